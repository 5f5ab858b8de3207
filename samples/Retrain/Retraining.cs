using AlexNet.MLNet.Training;
using AlexNet.Onnx.Datasets;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace AlexNet.Samples.Retrain;

/// <summary>One image file and its class (the name of its folder).</summary>
public sealed class Photo
{
    /// <summary>The image file.</summary>
    public string ImagePath { get; set; } = "";
    /// <summary>Class name.</summary>
    public string Label { get; set; } = "";
}

/// <summary>What PredictionEngine returns.</summary>
public sealed class PhotoPrediction
{
    /// <summary>Class probabilities, in the label key's order.</summary>
    public float[] Score { get; set; } = [];
    /// <summary>The predicted class name (MapKeyToValue of PredictedLabel).</summary>
    public string PredictedClass { get; set; } = "";
}

/// <summary>What the sample measured.</summary>
/// <param name="PretrainedStart">The weights the retraining started from.</param>
/// <param name="TrainImages">Photos trained on.</param>
/// <param name="TestImages">Held-out photos evaluated.</param>
/// <param name="MicroAccuracy">ML.NET's micro-accuracy on the held-out photos.</param>
/// <param name="LogLoss">ML.NET's log-loss on them.</param>
/// <param name="MlNetModel">The saved ML.NET zip.</param>
/// <param name="ReloadedAgreement">Held-out photos the reloaded zip's PredictionEngine labels as the fitted pipeline does.</param>
public sealed record RetrainResult(string PretrainedStart, int TrainImages, int TestImages, double MicroAccuracy, double LogLoss, string MlNetModel, int ReloadedAgreement);

/// <summary>
/// Photo folders → <c>MapValueToKey</c> → <c>Trainers.AlexNet</c> (frozen convolutions from a pretrained start, a new
/// head for these classes) → <c>Evaluate</c> on held-out photos → <c>Save</c> → <c>Load</c> → <c>PredictionEngine</c>.
/// The "photos" are Fashion-MNIST test images written as PNG folders: a pretrained start is a base model trained here on
/// the first five classes (or <see cref="RetrainOptions.InitFrom"/>), retrained on the other five.
/// </summary>
public static class Retraining
{
    /// <summary>Runs the sample.</summary>
    /// <param name="o">The options.</param>
    /// <param name="output">Where the results are written.</param>
    public static RetrainResult Run(RetrainOptions o, TextWriter output)
    {
        string data = FashionMnistFiles.FindVendoredFolder() ?? throw new DirectoryNotFoundException("The vendored data/fashion-mnist folder was not found.");
        var ml = new MLContext(seed: o.Seed);
        string start = o.InitFrom ?? TrainBase(ml, data, o, output);

        // 1. The photo folders: <class>/<n>.png, listed with their folder as the label.
        var photos = WriteFolder(data, Path.Combine(o.RunDir, "photos"), [5, 6, 7, 8, 9], o.PerClass);
        var split = ml.Data.TrainTestSplit(ml.Data.LoadFromEnumerable(photos), testFraction: 0.25, seed: o.Seed);

        // 2. The pipeline: the class names keyed, then AlexNet retrained from the pretrained start.
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.MulticlassClassification.Trainers.AlexNet(new AlexNetTrainer.Options
            {
                FeatureColumnName = nameof(Photo.ImagePath),
                Preset = "small", Channels = 1,
                InitFrom = start,                    // a new head for these classes; every other layer from the start
                Freeze = ["conv1-conv5"],            // only the fully connected layers learn
                HeadLearningRate = 0.05,
                Epoch = o.Epochs, BatchSize = 32, Seed = o.Seed,
                WorkspacePath = Path.Combine(o.RunDir, "retrain"),
                MetricsCallback = m => output.WriteLine($"  {m}"),
            }))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedClass", "PredictedLabel"));
        output.WriteLine($"retraining from {start} on {photos.Count} photos of 5 classes (a quarter held out)");
        var model = pipeline.Fit(split.TrainSet);

        // 3. ML.NET's evaluator on the held-out photos: Score slot k is the label's key k + 1, so no extra step.
        var scored = model.Transform(split.TestSet);
        var metrics = ml.MulticlassClassification.Evaluate(scored);
        output.WriteLine($"held out: micro-accuracy {metrics.MicroAccuracy:P2}, macro {metrics.MacroAccuracy:P2}, log-loss {metrics.LogLoss:F4}");

        // 4. Save, reload (this part needs AlexNet.MLNet only) and predict photo by photo.
        string zip = Path.Combine(o.RunDir, "retrained.zip");
        ml.Model.Save(model, split.TrainSet.Schema, zip);
        var reloaded = new MLContext().Model.Load(zip, out _);
        using var engine = ml.Model.CreatePredictionEngine<Photo, PhotoPrediction>(reloaded);
        var test = ml.Data.CreateEnumerable<Photo>(split.TestSet, reuseRowObject: false).ToList();
        var fitted = scored.GetColumn<string>("PredictedClass").ToList();
        int agree = test.Zip(fitted).Count(p => engine.Predict(p.First).PredictedClass == p.Second);
        foreach (var photo in test.Take(3))
            output.WriteLine($"  {Path.GetFileName(Path.GetDirectoryName(photo.ImagePath))}/{Path.GetFileName(photo.ImagePath)} -> {engine.Predict(photo).PredictedClass}");
        output.WriteLine($"saved {Path.GetFullPath(zip)}; reloaded, it labels {agree} of {test.Count} held-out photos as the fitted pipeline did");
        int trainCount = ml.Data.CreateEnumerable<Photo>(split.TrainSet, reuseRowObject: false).Count();
        return new RetrainResult(start, trainCount, test.Count, metrics.MicroAccuracy, metrics.LogLoss, zip, agree);
    }

    // The pretrained start: the same trainer on five other classes; its checkpoint is a file --init-from reads.
    private static string TrainBase(MLContext ml, string data, RetrainOptions o, TextWriter output)
    {
        var photos = WriteFolder(data, Path.Combine(o.RunDir, "base-photos"), [0, 1, 2, 3, 4], o.PerClass);
        string workspace = Path.Combine(o.RunDir, "base");
        output.WriteLine($"training a base model on {photos.Count} photos of Fashion-MNIST's first five classes");
        var rows = ml.Data.LoadFromEnumerable(photos);
        var keyed = ml.Transforms.Conversion.MapValueToKey("Label").Fit(rows).Transform(rows);
        using var _ = ml.MulticlassClassification.Trainers.AlexNet(new AlexNetTrainer.Options
        {
            FeatureColumnName = nameof(Photo.ImagePath), Preset = "small", Channels = 1, Epoch = o.Epochs, BatchSize = 32, Seed = o.Seed,
            TenCrop = false, WorkspacePath = workspace,
        }).Fit(keyed);
        return Path.Combine(workspace, "checkpoint.ckpt");
    }

    // Fashion-MNIST test images of the given classes as <class>/<n>.png, listed class by class.
    private static List<Photo> WriteFolder(string data, string folder, int[] classes, int perClass) =>
        [.. FashionMnistPhotos.Write(data, folder, classes, perClass).Select(f => new Photo { ImagePath = f.Path, Label = f.Label })];
}
