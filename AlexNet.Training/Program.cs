// Before anything installs .NET's signal handlers: Ctrl-C and SIGTERM must reach train's checkpoint-and-exit path.
AlexNet.Training.Cli.TerminationSignals.Ensure();
return AlexNet.Training.Cli.Commands.Run(args);
