using AlexNet.Samples;
using AlexNet.Samples.QuickStart;

return SampleCommandLine.Run(QuickStartOptions.Command(), args, r =>
{
    MainJob.Run(QuickStartOptions.From(r), Console.Out, Console.Error);
    return 0;
});
