using AlexNet.Samples.PipelineComposition;

namespace AlexNet.Samples.Tests;

[TestClass]
public sealed class PipelineCompositionTests
{
    private static CompositionResult result = null!;
    private static string output = "";

    [ClassInitialize]
    public static void Run(TestContext _)
    {
        var writer = new StringWriter();
        var options = CompositionOptions.Parse(["--model", QuickStartRun.Result.OnnxModel, "--run-dir", Path.Combine(QuickStartRun.Folder, "composition"),
            "--classes", "3", "--per-class", "20"])!;
        result = Composition.Run(options, writer, progress: null);
        output = writer.ToString();
    }

    [TestMethod]
    public void Writes_a_labelled_png_folder_of_three_classes_by_twenty()
    {
        var classes = Directory.GetDirectories(result.ImageFolder).Select(Path.GetFileName).Order().ToArray();
        CollectionAssert.AreEqual(new[] { "Pullover", "T-shirt-top", "Trouser" }, classes);
        foreach (var c in classes) Assert.HasCount(20, Directory.GetFiles(Path.Combine(result.ImageFolder, c!), "*.png"));
    }

    [TestMethod]
    public void Fc7_classifier_beats_chance_on_held_out_images()
    {
        Assert.IsGreaterThan(0, result.TestImages);
        Assert.IsGreaterThan(1.0 / 3, result.MicroAccuracy, output);
        Assert.IsTrue(double.IsFinite(result.LogLoss), output);
        StringAssert.Contains(output, $"micro-accuracy {result.MicroAccuracy:P2}");
    }

    [TestMethod]
    public void Reloaded_zip_predicts_every_held_out_image_like_the_fitted_pipeline()
    {
        Assert.IsTrue(File.Exists(result.MlNetModel));
        Assert.AreEqual(result.TestImages, result.ReloadedAgreement);
        Assert.IsLessThan(1e-5, result.ReloadedMaxScoreDifference);
    }
}
