using AlexNet.MLNet;
using AlexNet.Onnx.Imaging;
using AlexNet.Onnx.Model;
using AlexNet.Training.Data;
using AlexNet.Training.Export;
using AlexNet.Training.Model;
using AlexNet.Training.Pretrained;
using Microsoft.ML;

namespace AlexNet.Integration.Tests;

/// <summary>
/// torchvision's AlexNet, saved by PyTorch, loaded into the torchvision preset and exported: ML.NET serves it from the
/// file's own metadata and gives PyTorch's probabilities.
/// </summary>
[TestClass]
public sealed class TorchvisionFineTuningTests
{
    private static string folder = "";
    private static string[] photos = [];
    private static string modelPath = "";

    public sealed class PathRow { public string ImagePath { get; set; } = ""; }
    public sealed class Scores { public float[] Score { get; set; } = []; }

    [ClassInitialize]
    public static void ExportTorchvisionWeights(TestContext _)
    {
        SystemPython.Require("torchvision", "python3-torchvision");
        SystemPython.Require("PIL", "python3-pil");
        folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"torchvision-finetune-{Guid.NewGuid():N}")).FullName;
        photos = [.. TestPhotos.Names.Select(TestPhotos.Path)];
        var weights = Path.Combine(folder, "alexnet.pth");
        SystemPython.RunScript("torchvision_reference.py", ["weights", weights, .. photos]);

        var arch = AlexNetArchitecture.Torchvision(1000);
        using var model = new AlexNetModel(arch);
        var report = PretrainedStart.Load(model, weights);
        Assert.AreEqual(16, report.Loaded.Count, report.ToString());
        model.eval();
        modelPath = Path.Combine(folder, "model.onnx");
        ModelExport.Write(model, MeanImage.FromStatistics(arch.ChannelStatistics!, arch.ResizeSize), 1.0 / 255,
            [.. Enumerable.Range(0, 1000).Select(i => $"class {i}")], modelPath);
    }

    private static float[][] MlNetCentreCropScores()
    {
        var ml = new MLContext(seed: 1);
        var input = ml.Data.LoadFromEnumerable(photos.Select(p => new PathRow { ImagePath = p }).ToArray());
        using var transformer = ml.Transforms.ClassifyImagesWithAlexNet(modelPath, nameof(PathRow.ImagePath),
            new AlexNetOptions { CropMode = CropMode.CentreCrop }).Fit(input);
        return [.. ml.Data.CreateEnumerable<Scores>(transformer.Transform(input), reuseRowObject: false).Select(r => r.Score)];
    }

    private static double Worst(float[][] ours, float[][] theirs) =>
        ours.Zip(theirs, (a, b) => (double)RawFloats.MaxAbsDiff(a, b)).Max();

    [TestMethod]
    public void ExportGivesPyTorchsSoftmaxOnTheSameResizedPixelsToFloatRounding()
    {
        var theirs = TorchvisionReference.SoftmaxOnOurResizedPixels(Path.Combine(folder, "alexnet.pth"), photos, folder);

        var ours = MlNetCentreCropScores();
        Assert.IsGreaterThan(0.03f, theirs.Min(p => p.Max()), "a nearly uniform softmax would make the comparison trivial");
        double worst = Worst(ours, theirs);
        Console.WriteLine($"max |ML.NET − PyTorch| on the same pixels: {worst:E2}");
        // docs/MLNET.md publishes 9.2e-7 for this row ("the same pixels agree to float rounding"); about twice that here,
        // for PyTorch's kernels, whose rounding may move with the CPU and the torch build.
        Assert.IsLessThanOrEqualTo(2e-6, worst);
    }

    [TestMethod]
    public void ExportGivesTorchvisionsOwnPipelineSoftmaxWithinTheResizeDifference()
    {
        // torchvision's Resize(256) (PIL, antialiased bilinear on the shorter side) and CenterCrop(224) against our
        // centre square and SkiaSharp resize to 256: the same window, other resampling. docs/MLNET.md gives the figures.
        var expected = Path.Combine(folder, "pipeline.f32");
        SystemPython.RunScript("torchvision_reference.py", ["pipeline", Path.Combine(folder, "alexnet.pth"), expected, .. photos]);
        var theirs = RawFloats.ReadRows(expected, 1000);

        var ours = MlNetCentreCropScores();
        for (int i = 0; i < photos.Length; i++)
            Console.WriteLine($"{TestPhotos.Names[i]}: max |ML.NET − PyTorch| {RawFloats.MaxAbsDiff(ours[i], theirs[i]):E2}, top probability " +
                              $"{ours[i].Max():F4} (ours) {theirs[i].Max():F4} (PyTorch), top class {Array.IndexOf(ours[i], ours[i].Max())} / {Array.IndexOf(theirs[i], theirs[i].Max())}");
        // docs/MLNET.md publishes the differences per photo (the resamplers, not the model, make them: the same pixels
        // agree to 9.2e-7, the test above); each is held to 1.5 times its figure.
        for (int i = 0; i < photos.Length; i++)
            Assert.IsLessThanOrEqualTo(1.5 * PublishedPipelineDifference[TestPhotos.Names[i]], RawFloats.MaxAbsDiff(ours[i], theirs[i]), TestPhotos.Names[i]);
        // With top probabilities of 0.04–0.14 and the rest near 1/1000, an absolute bound alone would pass a softmax that
        // ranks the classes differently: the top class must agree too, on the photos where the docs say it does. On
        // rocket.jpg (640×427) the crop also falls a pixel apart and the docs report the top class changed (303 against
        // 258), so it is not held there.
        Assert.IsGreaterThan(0.03f, theirs.Min(p => p.Max()), "a nearly uniform softmax would make the comparison trivial");
        for (int i = 0; i < photos.Length; i++)
            if (TestPhotos.Names[i] != "rocket.jpg")
                Assert.AreEqual(Array.IndexOf(theirs[i], theirs[i].Max()), Array.IndexOf(ours[i], ours[i].Max()), $"{TestPhotos.Names[i]}: top class");
    }

    /// <summary>docs/MLNET.md, "torchvision's weights through our export": max |ML.NET − PyTorch| of the softmax against
    /// torchvision's own Resize(256) + CenterCrop(224), per photo.</summary>
    private static readonly Dictionary<string, double> PublishedPipelineDifference = new()
    {
        ["astronaut.png"] = 5.0e-3, ["chelsea.png"] = 1.1e-3, ["coffee.png"] = 2.4e-3, ["rocket.jpg"] = 6.6e-3,
    };
}
