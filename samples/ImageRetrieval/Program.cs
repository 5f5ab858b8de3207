using AlexNet.Onnx;
using AlexNet.Samples.ImageRetrieval;
using AlexNet.Training.Cli;

try
{
    var options = RetrievalOptions.Parse(args);
    if (options == null) return 0;
    Retrieval.Run(options, Console.Out);
    return 0;
}
catch (UsageException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 2;
}
catch (ModelFileException e)
{
    Console.Error.WriteLine($"error: {e.Message}\nTrain and export a model first (dotnet run --project samples/QuickStart), or pass --model <model.onnx>.");
    return 1;
}
catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
