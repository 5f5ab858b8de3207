namespace AlexNet.Cli.Tests;

/// <summary><c>export --serving DIR [--triton]</c>: the flags that shape the serving graph or the Triton configuration
/// need the flag they belong to; without it each is a usage error (exit code 2) before any file is read.</summary>
[TestClass]
public sealed class ExportServingFlagTests
{
    private static string UsageError(params string[] args)
    {
        var (code, _, err) = Cli.Run(["export", "--checkpoint", "runs/a", .. args]);
        Assert.AreEqual(2, code, err);
        return err;
    }

    [TestMethod]
    public void TritonWithoutServingIsAUsageErrorAskingForTheFolder() =>
        StringAssert.Contains(UsageError("--triton"), "--triton goes with --serving DIR, the folder the serving graph is written to.");

    [TestMethod]
    public void CropModeWithoutServingIsAUsageError() =>
        StringAssert.Contains(UsageError("--crop-mode", "centre-crop"), "--crop-mode goes with --serving DIR");

    [TestMethod]
    public void ModelNameWithoutTritonIsAUsageError() =>
        StringAssert.Contains(UsageError("--serving", "out", "--model-name", "cats"), "--model-name goes with --triton; it sets the Triton model configuration.");

    [TestMethod]
    public void MaxBatchSizeWithoutTritonIsAUsageError() =>
        StringAssert.Contains(UsageError("--serving", "out", "--max-batch-size", "8"), "--max-batch-size goes with --triton");

    [TestMethod]
    public void UnknownCropModeIsAUsageErrorListingTheModes() =>
        StringAssert.Contains(UsageError("--serving", "out", "--crop-mode", "five-crop"), "'five-crop'");
}
