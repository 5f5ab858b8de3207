// Before anything installs .NET's signal handlers: Ctrl-C and SIGTERM must reach train's checkpoint-and-exit path.
AlexNet.Cli.TerminationSignals.Ensure();
return AlexNet.Cli.AlexNetCommand.Run(args);
