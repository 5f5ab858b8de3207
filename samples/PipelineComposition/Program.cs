using AlexNet.Samples;
using AlexNet.Samples.PipelineComposition;

return SampleCommandLine.Run(CompositionOptions.Command(), args, r =>
{
    Composition.Run(CompositionOptions.From(r), Console.Out, Console.Error);
    return 0;
});
