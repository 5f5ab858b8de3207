namespace AlexNet.Cli.Tests;

/// <summary><c>train --init-from</c> end to end: a run exported by one train command starts the next.</summary>
[TestClass]
public sealed class InitFromRunTests
{
    private static readonly string[] Tiny =
        ["--data", "", "--train-limit", "32", "--eval-limit", "32", "--batch-size", "16", "--epochs", "1", "--workers", "1", "--no-ten-crop"];

    private static string[] Train(string runDir, params string[] more)
    {
        string[] flags = [.. Tiny, "--run-dir", runDir, .. more];
        flags[1] = Cli.FashionMnist;
        return ["train", .. flags];
    }

    [TestMethod]
    public void ARunStartsFromAnExportedModelAndSaysWhatItLoaded()
    {
        var source = Cli.Scratch("cli-init-source");
        var (code, _, err) = Cli.Run(Train(source));
        Assert.AreEqual(0, code, err);
        var onnx = Path.Combine(source, "model.onnx");

        var target = Cli.Scratch("cli-init-target");
        (code, _, err) = Cli.Run(Train(target, "--init-from", onnx, "--freeze", "features"));
        Assert.AreEqual(0, code, err);
        StringAssert.Contains(err, $"init-from: {onnx} (model.onnx from our export, our names)");
        // Two towers of conv1–conv5, fc6 and fc7 (weight and bias each), and fc8: the same 10 classes, so nothing starts afresh.
        StringAssert.Contains(err, "30 loaded, 0 initialised afresh, 0 unused in the file");
        var written = File.ReadAllText(Path.Combine(target, "init-from.txt"));
        StringAssert.StartsWith(written, $"init-from: {onnx}");
        StringAssert.Contains(written, "towers.1.fc7.bias");
    }
}
