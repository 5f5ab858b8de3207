using AlexNet.Onnx;
using AlexNet.Samples;
using AlexNet.Samples.ImageRetrieval;

return SampleCommandLine.Run(RetrievalOptions.Command(), args, r =>
{
    try
    {
        Retrieval.Run(RetrievalOptions.From(r), Console.Out);
        return 0;
    }
    catch (ModelFileException e)
    {
        Console.Error.WriteLine($"error: {e.Message}");
        if (!File.Exists(e.FilePath)) Console.Error.WriteLine("Train and export a model first (dotnet run --project samples/QuickStart), or pass --model <model.onnx>.");
        return 1;
    }
});
