// Before anything installs .NET's signal handlers: Ctrl-C and SIGTERM must reach train's checkpoint-and-exit path.
AlexNet.Cli.TerminationSignals.Ensure();
// Before the first tensor: libtorch backs large tensors by transparent huge pages (AlexNet.Training.Model.HugePages).
AlexNet.Training.Model.HugePages.Request();
// Before libtorch loads: MKL's "is this an Intel CPU?" answered 1 on AMD, so its fully connected layers run MKL's fast
// kernels (AlexNet.Training.Model.MklVendorCheck; ALEXNET_MKL_INTEL_CPU=mkl leaves MKL to answer).
AlexNet.Training.Model.MklVendorCheck.Apply();
// Before the first large tensor: glibc keeps what a training step frees, so the next step does not fault it in again
// (AlexNet.Training.Model.FreedMemory; ALEXNET_KEEP_FREED_MEMORY=0 leaves glibc's defaults). The CLI's choice: the
// library leaves a host app's allocator alone.
var freedMemory = AlexNet.Training.Model.FreedMemory.Keep();
if (freedMemory.Asked) Console.Error.WriteLine($"warning: {freedMemory.Description}");
return AlexNet.Cli.AlexNetCommand.Run(args);
