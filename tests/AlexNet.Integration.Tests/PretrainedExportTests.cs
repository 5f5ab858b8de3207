using AlexNet.MLNet;
using AlexNet.Onnx.Imaging;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace AlexNet.Integration.Tests;

/// <summary>
/// <c>alexnet export --init-from FILE --preset torchvision</c>: a torchvision AlexNet state dict, written by Debian's
/// PyTorch with seeded weights, becomes a model.onnx with no training run, and ML.NET serves it as PyTorch scores it,
/// under ImageNet's class names.
/// </summary>
[TestClass]
public sealed class PretrainedExportTests
{
    private static string folder = "";
    private static string weights = "";
    private static string modelPath = "";
    private static string[] photos = [];

    public sealed class PathRow { public string ImagePath { get; set; } = ""; }
    public sealed class Scores { public float[] Score { get; set; } = []; }
    public sealed class Named { public string PredictedLabel { get; set; } = ""; }

    [ClassInitialize]
    public static void ExportSeededTorchvisionWeights(TestContext _)
    {
        SystemPython.Require("torchvision", "python3-torchvision");
        SystemPython.Require("PIL", "python3-pil");
        folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"pretrained-export-{Guid.NewGuid():N}")).FullName;
        photos = [.. TestPhotos.Names.Select(TestPhotos.Path)];
        weights = Path.Combine(folder, "alexnet.pth");
        // torchvision.models.alexnet() with torch.manual_seed(0), its head scaled for a peaked softmax, saved with torch.save.
        SystemPython.RunScript("torchvision_reference.py", ["weights", weights, .. photos]);
        modelPath = Path.Combine(folder, "model.onnx");
        var (code, output, error) = InProcessCli.Run("export", "--init-from", weights, "--preset", "torchvision", "--output", modelPath);
        Assert.AreEqual(0, code, error);
        StringAssert.Contains(output, "classes: 1000, ImageNet's (torchvision's list) (tench, goldfish, great white shark, …)");
    }

    [ClassCleanup]
    public static void RemoveFolder() => Directory.Delete(folder, recursive: true);


    private static (MLContext Ml, IDataView Scored) CentreCrop(string model)
    {
        var ml = new MLContext(seed: 1);
        var input = ml.Data.LoadFromEnumerable(photos.Select(p => new PathRow { ImagePath = p }).ToArray());
        var transformer = ml.Transforms.ClassifyImagesWithAlexNet(model, nameof(PathRow.ImagePath), new AlexNetOptions { CropMode = CropMode.CentreCrop })
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"))
            .Fit(input);
        return (ml, transformer.Transform(input));
    }

    private static string[] SlotNames(IDataView scored)
    {
        VBuffer<ReadOnlyMemory<char>> names = default;
        scored.Schema["Score"].GetSlotNames(ref names);
        return [.. names.DenseValues().Select(n => n.ToString())];
    }

    /// <summary>torchvision's own list, from the installed package, not from our copy of it.</summary>
    private static string[] TorchvisionCategories() =>
        SystemPython.Run(["-c", "import torchvision.models._meta as m; print('\\n'.join(m._IMAGENET_CATEGORIES))"]).Output.TrimEnd('\n').Split('\n');

    [TestMethod]
    public void ExportedWeightsGivePyTorchsSoftmaxOnTheSamePixelsWithinOneInTenThousand()
    {
        var theirs = TorchvisionReference.SoftmaxOnOurResizedPixels(weights, photos, folder);

        var (ml, scored) = CentreCrop(modelPath);
        var ours = ml.Data.CreateEnumerable<Scores>(scored, reuseRowObject: false).Select(r => r.Score).ToArray();
        Assert.HasCount(photos.Length, ours);
        Assert.IsGreaterThan(0.03f, theirs.Min(p => p.Max()), "a nearly uniform softmax would make the comparison trivial");
        for (int i = 0; i < photos.Length; i++)
            Assert.IsLessThanOrEqualTo(1e-4f, RawFloats.MaxAbsDiff(ours[i], theirs[i]), TestPhotos.Names[i]);
    }

    [TestMethod]
    public void ScoreSlotsAreTorchvisionsImageNetCategoriesInOrder()
    {
        var names = SlotNames(CentreCrop(modelPath).Scored);
        Assert.AreEqual("tench", names[0]);
        Assert.AreEqual("toilet tissue", names[999]);
        CollectionAssert.AreEqual(TorchvisionCategories(), names);
    }

    [TestMethod]
    public void PredictedLabelIsTheImageNetNameOfTheTopScore()
    {
        var (ml, scored) = CentreCrop(modelPath);
        var categories = TorchvisionCategories();
        var scores = ml.Data.CreateEnumerable<Scores>(scored, reuseRowObject: false).ToArray();
        var labels = ml.Data.CreateEnumerable<Named>(scored, reuseRowObject: false).Select(r => r.PredictedLabel).ToArray();
        for (int i = 0; i < photos.Length; i++)
            Assert.AreEqual(categories[Array.IndexOf(scores[i].Score, scores[i].Score.Max())], labels[i], TestPhotos.Names[i]);
    }

    // export --init-from … --serving DIR --triton, the common way to serve torchvision's weights on Triton; run once.
    private static readonly Lazy<string> TritonModel = new(() =>
    {
        var repository = Path.Combine(folder, "triton");
        var (code, output, error) = InProcessCli.Run("export", "--init-from", weights, "--preset", "torchvision", "--serving", repository, "--triton", "--crop-mode", "centre-crop");
        Assert.AreEqual(0, code, error);
        StringAssert.Contains(output, "input pixels: float32 [N, 3, 256, 256], RGB planes, 0-255, shorter side resized to 256 and centre-cropped; outputs Score [N, 1000], PredictedLabel [N]");
        return Path.Combine(repository, "alexnet");
    });

    [TestMethod]
    public void TritonRepositoryFromInitFromLabelsScoresWithTorchvisionsCategories() =>
        CollectionAssert.AreEqual(TorchvisionCategories(), File.ReadAllText(Path.Combine(TritonModel.Value, "labels.txt")).TrimEnd('\n').Split('\n'));

    [TestMethod]
    public void TritonModelFromInitFromScoresAsTheMlNetRouteWithinOneInAHundredThousand()
    {
        var (ml, scored) = CentreCrop(modelPath);
        var expected = ml.Data.CreateEnumerable<Scores>(scored, reuseRowObject: false).Select(r => r.Score).ToArray();
        var (scores, _) = ServingExportTests.StandaloneScores(Path.Combine(TritonModel.Value, "1", "model.onnx"), modelPath, photos);
        for (int i = 0; i < photos.Length; i++)
            Assert.IsLessThanOrEqualTo(1e-5f, RawFloats.MaxAbsDiff(scores[i], expected[i]), TestPhotos.Names[i]);
    }

    [TestMethod]
    public void ClassesFileNamesTheOutputsInsteadOfImageNet()
    {
        var classes = Path.Combine(folder, "classes.txt");
        File.WriteAllLines(classes, Enumerable.Range(0, 1000).Select(i => $"mine {i}"));
        var model = Path.Combine(folder, "named.onnx");
        var (code, output, error) = InProcessCli.Run("export", "--init-from", weights, "--preset", "torchvision", "--classes", classes, "--output", model);
        Assert.AreEqual(0, code, error);
        StringAssert.Contains(output, "classes: 1000, given (mine 0, mine 1, mine 2, …)");
        var names = SlotNames(CentreCrop(model).Scored);
        Assert.AreEqual("mine 0", names[0]);
        Assert.AreEqual("mine 999", names[999]);
    }

    [TestMethod]
    public void ClassesFileOfAnotherCountIsAnErrorNamingBothCounts()
    {
        var classes = Path.Combine(folder, "ten.txt");
        File.WriteAllLines(classes, Enumerable.Range(0, 10).Select(i => $"class {i}"));
        var model = Path.Combine(folder, "ten.onnx");
        var (code, _, error) = InProcessCli.Run("export", "--init-from", weights, "--preset", "torchvision", "--classes", classes, "--output", model);
        Assert.AreEqual(1, code, error);
        Assert.AreEqual($"error: {weights}: its last layer (classifier.6.weight, [1000, 4096]) has 1000 classes, and the class names given are 10\n", error.ReplaceLineEndings("\n"));
        Assert.IsFalse(File.Exists(model));
    }
}
