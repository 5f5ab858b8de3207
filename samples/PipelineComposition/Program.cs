using AlexNet.Onnx;
using AlexNet.Samples.PipelineComposition;
using AlexNet.Training.Cli;

try
{
    var options = CompositionOptions.Parse(args);
    if (options == null) return 0;
    Composition.Run(options, Console.Out, Console.Error);
    return 0;
}
catch (UsageException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 2;
}
catch (Exception e) when (e is ModelFileException or IOException or InvalidDataException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
