// Before anything installs .NET's signal handlers: Ctrl-C and SIGTERM must reach train's checkpoint-and-exit path.
AlexNet.Cli.TerminationSignals.Ensure();
// Before the first tensor: libtorch backs large tensors by transparent huge pages (AlexNet.Training.Model.HugePages).
AlexNet.Training.Model.HugePages.Request();
// Before libtorch loads: MKL's "is this an Intel CPU?" answered 1 on AMD, so its fully connected layers run MKL's fast
// kernels (AlexNet.Training.Model.MklVendorCheck; ALEXNET_MKL_INTEL_CPU=mkl leaves MKL to answer).
AlexNet.Training.Model.MklVendorCheck.Apply();
return AlexNet.Cli.AlexNetCommand.Run(args);
