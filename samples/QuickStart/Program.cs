using AlexNet.Samples;
using AlexNet.Samples.QuickStart;

// Before the first tensor: libtorch backs large tensors by transparent huge pages (AlexNet.Training.Model.HugePages).
AlexNet.Training.Model.HugePages.Request();
// And MKL's vendor question, answered before libtorch loads (AlexNet.Training.Model.MklVendorCheck).
AlexNet.Training.Model.MklVendorCheck.Apply();
return SampleCommandLine.Run(QuickStartOptions.Command(), args, r =>
{
    MainJob.Run(QuickStartOptions.From(r), Console.Out, Console.Error);
    return 0;
});
