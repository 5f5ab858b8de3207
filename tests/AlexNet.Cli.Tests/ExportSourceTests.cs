namespace AlexNet.Cli.Tests;

/// <summary><c>export</c> takes one source: a run's checkpoint (<c>--checkpoint</c>) or any weight file (<c>--init-from</c>,
/// with <c>--preset</c>); the flags of one do not go with the other. Each is a usage error (exit code 2) before any file is read.</summary>
[TestClass]
public sealed class ExportSourceTests
{
    private static string UsageError(params string[] args)
    {
        var (code, _, err) = Cli.Run(["export", .. args]);
        Assert.AreEqual(2, code, err);
        return err;
    }

    [TestMethod]
    public void NeitherSourceIsAUsageErrorNamingBoth()
    {
        StringAssert.Contains(UsageError(), "export needs a source: --checkpoint (a run's checkpoint or folder) or --init-from (a weight file, with --preset).");
    }

    [TestMethod]
    public void BothSourcesAreAUsageErrorAskingForOne()
    {
        StringAssert.Contains(UsageError("--checkpoint", "runs/a", "--init-from", "alexnet.pth", "--preset", "torchvision"),
            "--checkpoint and --init-from are two sources; give one");
    }

    [TestMethod]
    public void InitFromWithoutPresetIsAUsageError()
    {
        StringAssert.Contains(UsageError("--init-from", "alexnet.pth"), "--init-from needs --preset (paper, small or torchvision)");
    }

    [TestMethod]
    public void ClassesWithACheckpointIsAUsageError()
    {
        StringAssert.Contains(UsageError("--checkpoint", "runs/a", "--classes", "names.txt"), "--classes goes with --init-from; a checkpoint names its own preset and classes.");
    }

    [TestMethod]
    public void UnknownPresetIsAUsageError()
    {
        StringAssert.Contains(UsageError("--init-from", "alexnet.pth", "--preset", "vgg"), "'vgg'");
    }

    [TestMethod]
    public void MissingWeightFileIsAFileErrorNamingIt()
    {
        var missing = Path.Combine(Cli.Scratch("export-missing"), "alexnet.pth");
        var (code, _, err) = Cli.Run("export", "--init-from", missing, "--preset", "torchvision");
        Assert.AreEqual(1, code, err);
        StringAssert.Contains(err, $"{missing}: the weight file does not exist.");
    }
}
