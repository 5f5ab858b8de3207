using System.Globalization;
using System.Text.RegularExpressions;
using AlexNet.Onnx.Imaging;
using AlexNet.Samples.QuickStart;
using AlexNet.Training.Data;
using AlexNet.Training.Reporting;
using Microsoft.ML;

namespace AlexNet.Samples.Tests;

[TestClass]
public sealed class QuickStartTests
{
    [TestMethod]
    public void Every_output_it_prints_exists_and_is_not_empty()
    {
        var r = QuickStartRun.Result;
        foreach (var path in new[] { r.Checkpoint, r.Metrics, r.TrainingCurve, r.OnnxModel, r.MlNetModel, r.KernelGrid })
        {
            StringAssert.Contains(QuickStartRun.Output, path, $"the report does not say where {Path.GetFileName(path)} went");
            Assert.IsTrue(new FileInfo(path).Length > 0, $"{path} is missing or empty");
        }
    }

    [TestMethod]
    public void Kernel_grid_shows_both_towers_32_kernels_of_5x5_each()
    {
        using var png = ImageDecoder.Decode(QuickStartRun.Result.KernelGrid);
        var (width, height) = ConvKernelGrid.Size(towers: 2, kernelsPerTower: 32, kernelSide: 5, scale: 8, columns: 16);
        Assert.AreEqual(width, png.Width);
        Assert.AreEqual(height, png.Height);
        // Per-kernel normalisation stretches every kernel to 0..255, so both extremes appear inside the first tile.
        var levels = Enumerable.Range(0, 40).SelectMany(y => Enumerable.Range(0, 40).Select(x => png.GetPixel(ConvKernelGrid.Margin + x, ConvKernelGrid.Margin + y).Red)).ToArray();
        Assert.AreEqual(0, levels.Min());
        Assert.AreEqual(255, levels.Max());
    }

    [TestMethod]
    public void Printed_accuracy_is_above_chance_and_the_saved_zip_reproduces_it()
    {
        var m = Regex.Match(QuickStartRun.Output, @"Test accuracy through ML\.NET .*: ([\d.]+) % \((\d+)/(\d+) correct\)");
        Assert.IsTrue(m.Success, QuickStartRun.Output);
        int correct = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), total = int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture);
        Assert.AreEqual(QuickStartRun.TestImages, total);
        Assert.IsGreaterThan(0.1, (double)correct / total, "ten classes: chance is 10 %");

        // Count again, independently, with the saved ML.NET zip on the same test images.
        var ml = new MLContext();
        var model = ml.Model.Load(QuickStartRun.Result.MlNetModel, out _);
        var rows = FashionMnistTestSet.Load(FashionMnist.FindVendoredFolder()!, total);
        using var engine = ml.Model.CreatePredictionEngine<FashionImage, FashionPrediction>(model);
        int recount = rows.Count(r => engine.Predict(r).PredictedLabel == r.Label);
        foreach (var r in rows) r.Image?.Dispose();
        Assert.AreEqual(correct, recount);
    }

    [TestMethod]
    public void ML_NET_ten_crop_accuracy_agrees_with_TorchSharp_ten_crop()
    {
        var r = QuickStartRun.Result;
        Assert.IsNotNull(r.TorchSharpTenCropError);
        // Same crops, same weights, two engines: at most one image may flip on a near-tie.
        Assert.AreEqual(1 - r.TorchSharpTenCropError.Value, r.Accuracy, 1.0 / r.TestImages + 1e-9);
    }
}
