using AlexNet.Training.Training;

namespace AlexNet.Cli.Tests;

/// <summary>Runs the <c>alexnet</c> command line in this process and keeps what it printed.</summary>
internal static class Cli
{
    public static (int Code, string Out, string Err) Run(params string[] args) => InProcessCli.Run(args);

    /// <summary>The options <c>train <paramref name="args"/></c> stands for, without training.</summary>
    public static TrainOptions Train(params string[] args)
    {
        var parsed = AlexNetCommand.Build().Parse(["train", .. args]);
        Assert.IsEmpty(parsed.Errors, string.Join("; ", parsed.Errors.Select(e => e.Message)));
        return TrainCommand.Options(parsed);
    }

    /// <summary>The usage error <c>train <paramref name="args"/></c> ends with (exit code 2), as printed.</summary>
    public static string UsageError(params string[] args)
    {
        var (code, _, err) = Run(["train", .. args]);
        Assert.AreEqual(2, code, err);
        return err;
    }

    public static string Scratch(string name) => Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"{name}-{Guid.NewGuid():N}")).FullName;

    public static string FashionMnist =>
        AlexNet.Onnx.Datasets.FashionMnistFiles.FindVendoredFolder()
        ?? throw new AssertFailedException("The vendored data/fashion-mnist folder was not found above " + AppContext.BaseDirectory);
}
