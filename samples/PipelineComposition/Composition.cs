using AlexNet.MLNet;
using AlexNet.Onnx.Model;
using AlexNet.Training.Data;
using AlexNet.Training.Training;
using Microsoft.ML;

namespace AlexNet.Samples.PipelineComposition;

/// <summary>
/// Transfer learning inside one ML.NET pipeline (the paper's section 6.1 view of fc7 as an image descriptor):
/// LoadImages → ClassifyImagesWithAlexNet with EmitFeatures → fc7 Features → LbfgsMaximumEntropy on a small
/// labelled folder, evaluated with ML.NET's multiclass metrics, saved and reloaded.
/// </summary>
public static class Composition
{
    /// <summary>File name of the saved pipeline in the run folder.</summary>
    public const string MlNetModelFile = "fc7-classifier.zip";

    /// <summary>Runs the sample.</summary>
    /// <param name="o">Options.</param>
    /// <param name="output">Receives the report.</param>
    /// <param name="progress">Receives training progress; null is silent.</param>
    public static CompositionResult Run(CompositionOptions o, TextWriter output, TextWriter? progress)
    {
        var model = o.Model ?? TrainShortModel(o, output, progress);
        var folder = Path.GetFullPath(Path.Combine(o.RunDir, "images"));
        LabelledFolder.Write(o.DataFolder, folder, o.Classes, o.PerClass);
        var rows = LabelledFolder.Read(folder);
        output.WriteLine($"Labelled folder: {rows.Count} PNG images in {rows.Select(r => r.Label).Distinct().Count()} classes at {folder}");

        var ml = new MLContext(seed: o.Seed);
        var split = ml.Data.TrainTestSplit(ml.Data.LoadFromEnumerable(rows), o.TestFraction, seed: o.Seed);
        var t = ml.Transforms;
        var pipeline = t.Conversion.MapValueToKey("LabelKey", nameof(LabelledImage.Label))
            .Append(t.LoadImages("Image", folder, nameof(LabelledImage.ImagePath)))
            // AlexNet's own outputs are renamed so the downstream classifier's Score and PredictedLabel do not clash.
            .Append(t.ClassifyImagesWithAlexNet(model, "Image", new AlexNetOptions
            {
                EmitFeatures = true, ScoreColumnName = "AlexNetScore", PredictedLabelColumnName = "AlexNetLabel",
            }))
            .Append(t.NormalizeMeanVariance("Features"))
            .Append(ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy("LabelKey", "Features"))
            .Append(t.Conversion.MapKeyToValue("PredictedClass", "PredictedLabel"));
        using var fitted = pipeline.Fit(split.TrainSet);

        var scored = fitted.Transform(split.TestSet);
        var metrics = ml.MulticlassClassification.Evaluate(scored, labelColumnName: "LabelKey");
        int testCount = ml.Data.CreateEnumerable<LabelledImage>(split.TestSet, reuseRowObject: false).Count();
        output.WriteLine($"fc7 → LbfgsMaximumEntropy on {testCount} held-out images: micro-accuracy {metrics.MicroAccuracy:P2}, " +
                         $"macro-accuracy {metrics.MacroAccuracy:P2}, log-loss {metrics.LogLoss:F4}");
        output.WriteLine(metrics.ConfusionMatrix.GetFormattedConfusionTable());

        var zip = Path.GetFullPath(Path.Combine(o.RunDir, MlNetModelFile));
        var temp = zip + $".{Environment.ProcessId}.tmp";
        try
        {
            ml.Model.Save(fitted, split.TrainSet.Schema, temp);
            File.Move(temp, zip, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }

        // Reload into a fresh context and compare every held-out prediction with the fitted pipeline's.
        var reloaded = new MLContext(seed: o.Seed).Model.Load(zip, out _);
        var before = ml.Data.CreateEnumerable<ScoredImage>(scored, reuseRowObject: false).ToList();
        var after = ml.Data.CreateEnumerable<ScoredImage>(reloaded.Transform(split.TestSet), reuseRowObject: false).ToList();
        (reloaded as IDisposable)?.Dispose(); // deletes ML.NET's temp copy of the reloaded graph
        int agree = before.Zip(after).Count(p => p.First.PredictedClass == p.Second.PredictedClass);
        double maxDiff = before.Zip(after).Max(p => p.First.Score.Zip(p.Second.Score).Max(s => Math.Abs(s.First - s.Second)));
        output.WriteLine($"Saved {zip}; reloaded, it predicts the same class on {agree}/{after.Count} held-out images (largest score difference {maxDiff:g3}).");
        return new CompositionResult(Path.GetFullPath(model), folder, zip, testCount, metrics.MicroAccuracy, metrics.MacroAccuracy, metrics.LogLoss, agree, maxDiff);
    }

    private static string TrainShortModel(CompositionOptions o, TextWriter output, TextWriter? progress)
    {
        var arch = AlexNetArchitecture.Small(FashionMnist.ClassNames.Count, 1);
        var data = TrainingData.Open(o.DataFolder, arch.ResizeSize, 1, o.TrainLimit, evalLimit: 1000);
        output.WriteLine($"No --model given: training a short small AlexNet on {data.Train.Count:N0} Fashion-MNIST training images (1 epoch)…");
        var options = new TrainOptions
        {
            Seed = o.Seed,
            Data = new() { Path = o.DataFolder, TrainLimit = o.TrainLimit, ValLimit = 1000 },
            Schedule = new() { Epochs = 1 },
            Runtime = new() { RunDir = Path.Combine(o.RunDir, "model"), TenCropAtEnd = false, Log = progress },
        };
        using var trainer = new Trainer(options, data);
        return trainer.Run().OnnxPath ?? throw new InvalidOperationException("The trainer did not export model.onnx.");
    }

    private sealed class ScoredImage
    {
        public string PredictedClass { get; set; } = "";
        public float[] Score { get; set; } = [];
    }
}
