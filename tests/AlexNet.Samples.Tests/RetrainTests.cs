using AlexNet.Samples.Retrain;

namespace AlexNet.Samples.Tests;

[TestClass]
public sealed class RetrainTests
{
    private static RetrainResult result = null!;
    private static string output = "";
    private static string folder = "";

    [ClassInitialize]
    public static void Run(TestContext _)
    {
        folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"retrain-{Guid.NewGuid():N}")).FullName;
        var writer = new StringWriter();
        // Five classes of 12 photos: one epoch of the base model and of the retraining.
        result = Retraining.Run(RetrainOptions.Parse(["--run-dir", folder, "--per-class", "12", "--epochs", "1"]), writer);
        output = writer.ToString();
    }

    [TestMethod]
    public void Retrains_from_the_base_models_checkpoint_with_a_quarter_of_the_photos_held_out()
    {
        Assert.AreEqual(Path.Combine(folder, "base", "checkpoint.ckpt"), result.PretrainedStart);
        Assert.AreEqual(60, result.TrainImages + result.TestImages);
        Assert.IsGreaterThan(5, result.TestImages, output);
        StringAssert.Contains(File.ReadAllText(Path.Combine(folder, "retrain", "init-from.txt")), "fc8", "the head starts afresh for the new classes");
    }

    [TestMethod]
    public void Evaluate_reads_the_trainers_output_as_it_is()
    {
        Assert.IsTrue(result.MicroAccuracy is >= 0 and <= 1, output);
        Assert.IsTrue(double.IsFinite(result.LogLoss), output);
        StringAssert.Contains(output, $"micro-accuracy {result.MicroAccuracy:P2}");
    }

    [TestMethod]
    public void The_reloaded_zip_labels_every_held_out_photo_as_the_fitted_pipeline_does()
    {
        Assert.IsTrue(File.Exists(result.MlNetModel));
        Assert.AreEqual(result.TestImages, result.ReloadedAgreement, output);
    }
}
