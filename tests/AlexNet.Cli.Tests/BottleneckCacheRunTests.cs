namespace AlexNet.Cli.Tests;

/// <summary><c>train --freeze features</c> says on stderr whether the frozen convolutions run once per image.</summary>
[TestClass]
public sealed class BottleneckCacheRunTests
{
    [TestMethod]
    [DataRow("--no-augment", "bottleneck cache: conv1-conv5 are frozen and training crops are centre crops (--no-augment)",
        DisplayName = "centre crops: the cache is used")]
    [DataRow("--augment", "bottleneck cache: not used: conv1-conv5 are frozen, but training crops are random (--augment: random crops and flips, PCA lighting)",
        DisplayName = "random crops: the log says why not")]
    public void FreezingTheFeaturesSaysWhetherTheBottleneckCacheIsUsed(string augmentation, string expected)
    {
        var (code, _, err) = Cli.Run("train", "--data", Cli.FashionMnist, "--train-limit", "32", "--eval-limit", "16", "--batch-size", "16", "--epochs", "1",
            "--workers", "1", "--no-ten-crop", "--no-export", "--freeze", "features", augmentation, "--run-dir", Cli.Scratch("cli-bottleneck"));

        Assert.AreEqual(0, code, err);
        StringAssert.Contains(err, expected);
        Assert.AreEqual(augmentation == "--no-augment", err.Contains("in memory (up to 2,048 MiB), filled in"), err);
    }
}
