using AlexNet.Samples;
using AlexNet.Samples.Retrain;

return SampleCommandLine.Run(RetrainOptions.Command(), args, r =>
{
    Retraining.Run(RetrainOptions.From(r), Console.Out);
    return 0;
});
