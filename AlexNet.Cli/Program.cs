// Before anything installs .NET's signal handlers: Ctrl-C and SIGTERM must reach train's checkpoint-and-exit path.
AlexNet.Cli.TerminationSignals.Ensure();
// Before the first tensor: libtorch backs large tensors by transparent huge pages (AlexNet.Training.Model.HugePages).
AlexNet.Training.Model.HugePages.Request();
return AlexNet.Cli.AlexNetCommand.Run(args);
