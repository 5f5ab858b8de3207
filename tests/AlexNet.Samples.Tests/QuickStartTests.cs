using System.Globalization;
using System.Text.RegularExpressions;
using AlexNet.Onnx.Imaging;
using AlexNet.Samples.QuickStart;
using AlexNet.Training.Data;
using AlexNet.Training.Reporting;
using Microsoft.ML;
using Microsoft.ML.Data;

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
        // Tiles of 5 × 8 = 40 pixels, 16 a row with 2-pixel gaps, a 4-pixel margin; each tower 2 rows, 12 pixels between
        // the towers: 4 + 16 × 40 + 15 × 2 + 4 wide, 4 + 2 × (2 × 40 + 2) + 12 + 4 high.
        Assert.AreEqual(678, png.Width);
        Assert.AreEqual(184, png.Height);
        // Per-kernel normalisation stretches every kernel to 0..255, so both extremes appear inside the first tile.
        var levels = Enumerable.Range(0, 40).SelectMany(y => Enumerable.Range(0, 40).Select(x => png.GetPixel(ConvKernelGrid.Margin + x, ConvKernelGrid.Margin + y).Red)).ToArray();
        Assert.AreEqual(0, levels.Min());
        Assert.AreEqual(255, levels.Max());
    }

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void Printed_accuracy_beats_always_answering_the_commonest_class_and_the_saved_zip_reproduces_it()
    {
        var m = Regex.Match(QuickStartRun.Output, @"Test accuracy through ML\.NET .*: ([\d.]+) % \((\d+)/(\d+) correct\)");
        Assert.IsTrue(m.Success, QuickStartRun.Output);
        int correct = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), total = int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture);
        Assert.AreEqual(QuickStartRun.TestImages, total);

        // Count again, independently, with the saved ML.NET zip on the same test images.
        var ml = new MLContext();
        var model = ml.Model.Load(QuickStartRun.Result.MlNetModel, out _);
        var rows = FashionMnistTestSet.Load(FashionMnist.FindVendoredFolder()!, total);
        using var engine = ml.Model.CreatePredictionEngine<FashionImage, FashionPrediction>(model);
        var predicted = rows.Select(r => engine.Predict(r).PredictedLabel).ToArray(); // the zip maps the key back to the class name
        int recount = rows.Where((r, i) => predicted[i] == r.Label).Count();
        // A model that always answers one class scores that class's share of these images, at most the commonest's
        // (27 of the first 200 test images are Pullovers, 27 Trousers: 13.5 %), and predicts a single class.
        double commonest = rows.GroupBy(r => r.Label).Max(g => g.Count()) / (double)total;
        var perClass = predicted.GroupBy(p => p).OrderByDescending(g => g.Count()).Select(g => $"{g.Key} {g.Count()}");
        TestContext.WriteLine($"{correct}/{total} correct, the commonest class {commonest:P1} of the images; predicted: {string.Join(", ", perClass)}");
        foreach (var r in rows) r.Image?.Dispose();

        Assert.AreEqual(correct, recount);
        Assert.IsGreaterThan(commonest + 0.10, (double)correct / total, $"at least 10 points above always answering the commonest class ({commonest:P1})");
        Assert.IsGreaterThan(1, predicted.Distinct().Count(), "predicts more than one class");
    }

    [TestMethod]
    public void ML_NET_ten_crop_accuracy_agrees_with_TorchSharp_ten_crop()
    {
        var r = QuickStartRun.Result;
        Assert.IsNotNull(r.TorchSharpTenCropError);
        // Same crops, same weights, two engines: at most one image may flip on a near-tie.
        Assert.AreEqual(1 - r.TorchSharpTenCropError.Value, r.Accuracy, 1.0 / r.TestImages + 1e-9);
    }

    [TestMethod]
    public void Evaluate_figures_it_prints_equal_a_hand_count_with_the_saved_zip()
    {
        var m = Regex.Match(QuickStartRun.Output, @"ML\.NET's Evaluate: micro-accuracy ([\d.]+) %, macro-accuracy ([\d.]+) %, log-loss ([\d.]+)");
        Assert.IsTrue(m.Success, QuickStartRun.Output);
        var rows = FashionMnistTestSet.Load(FashionMnist.FindVendoredFolder()!, QuickStartRun.TestImages);
        var ml = new MLContext();
        using var engine = ml.Model.CreatePredictionEngine<FashionImage, FashionPrediction>(ml.Model.Load(QuickStartRun.Result.MlNetModel, out _));
        var scores = rows.Select(r => engine.Predict(r).Score).ToArray();
        var truth = rows.Select(r => FashionMnist.ClassNames.ToList().IndexOf(r.Label)).ToArray();
        foreach (var r in rows) r.Image?.Dispose();

        var (micro, macro, logLoss) = HandCount(scores, truth);

        Assert.AreEqual(100 * micro, double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), 0.005 + 1e-9);
        Assert.AreEqual(100 * macro, double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), 0.005 + 1e-9);
        Assert.AreEqual(logLoss, double.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture), 0.00005 + 1e-9);
        foreach (var name in FashionMnist.ClassNames)
            StringAssert.Matches(QuickStartRun.Output, new Regex($@"\n  {Regex.Escape(name)} +[\d.]+ % +[\d.]+ % +[\d.]+ +\d+"), $"the per-class table has no row for {name}");
    }

    [TestMethod]
    public void Evaluate_on_labels_that_first_appear_out_of_class_order_equals_the_hand_count()
    {
        // The case users hit: Fashion-MNIST's test labels first appear as Ankle boot, Pullover, Trouser, …
        var rows = FashionMnistTestSet.Load(FashionMnist.FindVendoredFolder()!, QuickStartRun.TestImages);
        try
        {
            var firstAppearance = rows.Select(r => r.Label).Distinct().ToArray();
            CollectionAssert.AreNotEqual(FashionMnist.ClassNames.Where(firstAppearance.Contains).ToArray(), firstAppearance);
            var ml = new MLContext();
            var data = ml.Data.LoadFromEnumerable(rows);
            var options = new AlexNet.MLNet.AlexNetOptions { LabelColumnName = nameof(FashionImage.Label) };
            using var model = ml.Transforms.ClassifyImagesWithAlexNet(QuickStartRun.Result.OnnxModel, nameof(FashionImage.Image), options).Fit(data);
            var scored = model.Transform(data);

            var metrics = ml.MulticlassClassification.Evaluate(scored);

            var (micro, macro, logLoss) = HandCount(scored.GetColumn<float[]>("Score").ToArray(), rows.Select(r => FashionMnist.ClassNames.ToList().IndexOf(r.Label)).ToArray());
            Assert.AreEqual(micro, metrics.MicroAccuracy, 1e-12);
            Assert.AreEqual(macro, metrics.MacroAccuracy, 1e-12);
            Assert.AreEqual(logLoss, metrics.LogLoss, 1e-9);
            Assert.IsGreaterThan(0.3, micro, "a trained model, so a wrong key order would not pass unnoticed");
        }
        finally
        {
            foreach (var r in rows) r.Image?.Dispose();
        }
    }

    // ML.NET's definitions: highest score (first on ties) against the truth; per-class accuracy averaged over the classes
    // present; −ln p(true class) with p clamped to at least 1e-15.
    private static (double Micro, double Macro, double LogLoss) HandCount(float[][] scores, int[] truth)
    {
        var hits = truth.Select((t, i) => Array.IndexOf(scores[i], scores[i].Max()) == t).ToArray();
        double macro = truth.Distinct().Average(c => Enumerable.Range(0, truth.Length).Where(i => truth[i] == c).Average(i => hits[i] ? 1.0 : 0.0));
        double logLoss = truth.Select((t, i) => -Math.Log(Math.Min(1, Math.Max(1e-15, scores[i][t])))).Average();
        return (hits.Average(h => h ? 1.0 : 0.0), macro, logLoss);
    }
}
