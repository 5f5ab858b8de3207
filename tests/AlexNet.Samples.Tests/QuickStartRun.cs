using AlexNet.Samples.QuickStart;

namespace AlexNet.Samples.Tests;

/// <summary>
/// One QuickStart run with a tiny budget, shared by every sample test: its model.onnx feeds the WebApp, retrieval and
/// composition tests. 1,024 training images, batch 32 (32 SGD steps), 200 validation and test images.
/// </summary>
[TestClass]
public static class QuickStartRun
{
    public static string Folder { get; private set; } = "";
    public static QuickStartResult Result { get; private set; } = null!;
    public static string Output { get; private set; } = "";
    public const int TestImages = 200;

    [AssemblyInitialize]
    public static void Train(TestContext _)
    {
        Folder = Path.Combine(Path.GetTempPath(), $"alexnet-samples-{Guid.NewGuid():N}");
        var output = new StringWriter();
        var options = QuickStartOptions.Parse(["--run-dir", Path.Combine(Folder, "quickstart"), "--train-limit", "1024",
            "--eval-limit", TestImages.ToString(), "--batch-size", "32", "--predictions", "3"])!;
        Result = MainJob.Run(options, output, progress: null);
        Output = output.ToString();
    }

    [AssemblyCleanup]
    public static void Delete()
    {
        if (Directory.Exists(Folder)) Directory.Delete(Folder, recursive: true);
    }
}
