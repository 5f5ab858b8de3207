using Microsoft.ML;
using Microsoft.ML.Data;

namespace AlexNet.MLNet.Training.Tests;

[TestClass]
public sealed class TrainerTests
{
    public sealed class Prediction
    {
        public float[] Score { get; set; } = [];
        public uint PredictedLabel { get; set; }
    }

    public sealed class ClassName
    {
        public string Label { get; set; } = "";
    }

    [TestMethod]
    public void Classes_are_the_label_keys_in_key_order_so_Evaluate_reads_the_output_as_it_is()
    {
        var ml = new MLContext(seed: 1);
        // First appearance keys the classes rocket, coffee, cat, astronaut: the opposite of their sorted order.
        var data = Photos.Keyed(ml, Photos.Rows(3).Reverse());
        using var model = ml.MulticlassClassification.Trainers.AlexNet(Photos.Quick()).Fit(data);

        string[] keyOrder = ["rocket", "coffee", "cat", "astronaut"];
        CollectionAssert.AreEqual(keyOrder, model.Labels.ToArray());
        var scored = model.Transform(data);
        var slotNames = default(VBuffer<ReadOnlyMemory<char>>);
        scored.Schema["Score"].GetSlotNames(ref slotNames);
        CollectionAssert.AreEqual(keyOrder, slotNames.DenseValues().Select(v => v.ToString()).ToArray());

        // Evaluate compares key k with slot k − 1; counted by hand from the predicted class names, the accuracy is the same.
        var metrics = ml.MulticlassClassification.Evaluate(scored);
        var names = ml.Transforms.Conversion.MapKeyToValue("PredictedName", "PredictedLabel").Append(ml.Transforms.Conversion.MapKeyToValue("LabelName", "Label"))
            .Fit(scored).Transform(scored);
        var predicted = names.GetColumn<string>("PredictedName").ToArray();
        var truth = names.GetColumn<string>("LabelName").ToArray();
        int right = predicted.Zip(truth).Count(p => p.First == p.Second);
        Assert.AreEqual(right / 12.0, metrics.MicroAccuracy, 1e-12);
        CollectionAssert.AreEqual(new[] { 3.0, 3, 3, 3 }, metrics.ConfusionMatrix.Counts.Select(row => row.Sum()).ToArray());
    }

    [TestMethod]
    public void A_text_label_is_an_error_that_says_to_add_MapValueToKey()
    {
        var ml = new MLContext();
        var data = ml.Data.LoadFromEnumerable(Photos.Rows(1));
        // The catalog's column-name overload, as ML.NET's trainers offer one.
        var e = Assert.ThrowsExactly<ArgumentException>(() => ml.MulticlassClassification.Trainers.AlexNet(featureColumnName: nameof(PhotoRow.ImagePath)).Fit(data));
        StringAssert.Contains(e.Message, "Column 'Label' (LabelColumnName) holds String");
        StringAssert.Contains(e.Message, "MapValueToKey(\"Label\")");
    }

    public sealed class EncodedPhoto
    {
        public byte[] Image { get; set; } = [];
    }

    [TestMethod]
    public void Encoded_bytes_train_as_their_files_do_and_the_classifier_scores_them_as_it_scores_the_files()
    {
        var ml = new MLContext(seed: 1);
        var paths = Photos.Keyed(ml, Photos.Rows(3));
        string fromPaths = Photos.Scratch("paths"), fromBytes = Photos.Scratch("bytes");
        float[][] pathScores;
        using (var byPath = ml.MulticlassClassification.Trainers.AlexNet(Photos.Quick(fromPaths)).Fit(paths))
            pathScores = byPath.Transform(paths).GetColumn<float[]>("Score").ToArray();

        var bytes = ml.Transforms.LoadRawImageBytes("Image", imageFolder: null, inputColumnName: nameof(PhotoRow.ImagePath)).Fit(paths).Transform(paths);
        var options = Photos.Quick(fromBytes);
        options.FeatureColumnName = "Image";
        using var model = ml.MulticlassClassification.Trainers.AlexNet(options).Fit(bytes);

        Assert.IsGreaterThan(50_000L, Weights.AssertIdentical(Weights.Of(fromPaths), Weights.Of(fromBytes)));
        var byteScores = model.Transform(bytes).GetColumn<float[]>("Score").ToArray();
        Assert.HasCount(12, byteScores);
        for (int i = 0; i < 12; i++)
            for (int k = 0; k < 4; k++) Assert.AreEqual(pathScores[i][k], byteScores[i][k], 1e-6f, $"row {i}, class {k}");

        // Saved and reloaded, a prediction engine takes the bytes of a file.
        string zip = Path.Combine(fromBytes, "bytes.zip");
        ml.Model.Save(model, bytes.Schema, zip);
        var engine = new MLContext().Model.CreatePredictionEngine<EncodedPhoto, Prediction>(new MLContext().Model.Load(zip, out _));
        var p = engine.Predict(new EncodedPhoto { Image = File.ReadAllBytes(TestPhotos.Path("astronaut.png")) });
        for (int k = 0; k < 4; k++) Assert.AreEqual(pathScores[0][k], p.Score[k], 1e-6f, $"class {k}");
    }

    [TestMethod]
    public void Unreadable_images_and_missing_labels_are_skipped_counted_and_named_in_the_log()
    {
        var ml = new MLContext(seed: 1);
        var log = new List<string>();
        ml.Log += (_, e) => { lock (log) log.Add(e.Message); };
        string missing = Path.Combine(Photos.Scratch("missing"), "gone.png");
        var rows = Photos.Rows(3).Concat([
            new PhotoRow { ImagePath = TestPhotos.Path("truncated.jpg"), Label = "cat" },
            new PhotoRow { ImagePath = missing, Label = "rocket" },
            new PhotoRow { ImagePath = TestPhotos.Path("coffee.png"), Label = "tea" }, // not a class: key 0, a missing label
        ]).ToArray();
        var key = ml.Transforms.Conversion.MapValueToKey("Label", keyData: ml.Data.LoadFromEnumerable(Photos.Classes.Select(c => new ClassName { Label = c.Class })));
        var data = key.Fit(ml.Data.LoadFromEnumerable(rows)).Transform(ml.Data.LoadFromEnumerable(rows));

        using var model = ml.MulticlassClassification.Trainers.AlexNet(Photos.Quick()).Fit(data);

        string all = string.Join("\n", log);
        StringAssert.Contains(all, "training data: skipped 1 row(s) without a label");
        StringAssert.Contains(all, "training data: skipped 2 unreadable image(s):");
        StringAssert.Contains(all, $"skipped {TestPhotos.Path("truncated.jpg")}: the file is truncated");
        StringAssert.Contains(all, $"skipped {missing}: the file does not exist.");
        // 12 readable, labelled rows: a quarter held out.
        StringAssert.Contains(all, "9 training and 3 validation images, 4 classes, 1 epoch(s)");
    }

    [TestMethod]
    public void Frozen_convolutions_without_augmentation_train_on_the_bottleneck_cache_to_the_uncached_weights()
    {
        Dictionary<string, float[]> Train(bool cache, List<string> log)
        {
            var ml = new MLContext(seed: 1);
            ml.Log += (_, e) => { lock (log) log.Add(e.Message); };
            string workspace = Photos.Scratch(cache ? "cached" : "uncached");
            var options = Photos.Quick(workspace);
            options.Freeze = ["conv1-conv5"];
            options.Augment = false;
            options.BottleneckCache = cache;
            using (ml.MulticlassClassification.Trainers.AlexNet(options).Fit(Photos.Keyed(ml, Photos.Rows(3)))) { }
            return Weights.Of(workspace);
        }
        List<string> cachedLog = [], uncachedLog = [];
        var cached = Train(true, cachedLog);
        var uncached = Train(false, uncachedLog);

        Assert.IsTrue(cachedLog.Any(m => m.Contains("bottleneck cache: conv1-conv5 are frozen and training crops are centre crops", StringComparison.Ordinal)),
            string.Join("\n", cachedLog.Where(m => m.Contains("bottleneck"))));
        Assert.IsTrue(uncachedLog.Any(m => m.Contains("bottleneck cache: off", StringComparison.Ordinal)),
            string.Join("\n", uncachedLog.Where(m => m.Contains("bottleneck"))));
        // The two routes sum the same products in other groupings (a batch of stored features against a batch of crops):
        // float rounding apart, the same weights.
        foreach (var (name, expected) in uncached)
        {
            float scale = expected.Max(MathF.Abs);
            float worst = expected.Zip(cached[name], (a, b) => MathF.Abs(a - b)).Max();
            Assert.IsLessThan(1e-5f * scale + 1e-7f, worst, $"{name}: largest difference {worst} against a largest weight {scale}");
        }
    }

    [TestMethod]
    public void MemoryFormat_defaults_to_the_CLIs_and_reaches_the_training_options()
    {
        Assert.AreEqual(new AlexNet.Training.Training.RuntimeOptions().MemoryFormat, new AlexNetTrainer.Options().MemoryFormat);
        foreach (var format in new[] { AlexNet.Training.Model.MemoryFormat.Contiguous, AlexNet.Training.Model.MemoryFormat.ChannelsLast })
            Assert.AreEqual(format, AlexNetTrainer.BuildTrainOptions(new AlexNetTrainer.Options { MemoryFormat = format }, "run", resume: false).Runtime.MemoryFormat);
    }

    [TestMethod]
    public void Progress_goes_to_the_MLContext_log_with_the_trainer_as_its_source()
    {
        var ml = new MLContext(seed: 1);
        var log = new List<LoggingEventArgs>();
        ml.Log += (_, e) => { lock (log) log.Add(e); };
        var stdout = Console.Out;
        var captured = new StringWriter();
        Console.SetOut(captured);
        try
        {
            using var model = ml.MulticlassClassification.Trainers.AlexNet(Photos.Quick()).Fit(Photos.Keyed(ml, Photos.Rows(3)));
        }
        finally { Console.SetOut(stdout); }
        var epoch = log.Single(e => e.Message.Contains("epoch 1: loss"));
        Assert.AreEqual("AlexNetTrainer; Training AlexNet", epoch.Source);
        Assert.AreEqual(Microsoft.ML.Runtime.ChannelMessageKind.Info, epoch.Kind);
        Assert.AreEqual("", captured.ToString());
    }

    [TestMethod]
    public void MetricsCallback_gets_each_epoch_and_early_stopping_ends_the_run_when_validation_accuracy_stalls()
    {
        var ml = new MLContext(seed: 1);
        var epochs = new List<AlexNetEpochMetrics>();
        string workspace = Photos.Scratch("early");
        var options = Photos.Quick(workspace);
        options.Epoch = 5;
        options.MetricsCallback = epochs.Add;
        // A rise of 1.5 is out of reach: the first epoch sets the best, the second fails to beat it by that.
        options.EarlyStoppingCriteria = new EarlyStopping { MinDelta = 1.5, Patience = 1 };

        using var model = ml.MulticlassClassification.Trainers.AlexNet(options).Fit(Photos.Keyed(ml, Photos.Rows(3)));

        CollectionAssert.AreEqual(new[] { 1, 2 }, epochs.Select(e => e.Epoch).ToArray());
        Assert.AreEqual(2, Weights.State(workspace).CompletedEpochs);
        Assert.IsTrue(File.Exists(Path.Combine(workspace, "model.onnx")));
        var history = Weights.State(workspace).History;
        for (int i = 0; i < 2; i++)
        {
            Assert.AreEqual(1 - history[i].ValError, epochs[i].ValidationAccuracy, 1e-12);
            Assert.AreEqual(1 - history[i].TrainError, epochs[i].TrainAccuracy, 1e-12);
            Assert.AreEqual(history[i].TrainLoss, epochs[i].TrainLoss, 1e-12);
            Assert.AreEqual(0.01, epochs[i].LearningRate, 1e-12);
            Assert.IsGreaterThan(0, epochs[i].ImagesPerSecond);
        }
    }

    [TestMethod]
    public void Images_from_LoadImages_train_as_their_files_do()
    {
        var ml = new MLContext(seed: 1);
        var paths = Photos.Keyed(ml, Photos.Rows(3));
        string fromPaths = Photos.Scratch("paths"), fromImages = Photos.Scratch("images");
        using (ml.MulticlassClassification.Trainers.AlexNet(Photos.Quick(fromPaths)).Fit(paths)) { }

        var images = ml.Transforms.LoadImages("Image", imageFolder: null, inputColumnName: nameof(PhotoRow.ImagePath)).Fit(paths).Transform(paths);
        var options = Photos.Quick(fromImages);
        options.FeatureColumnName = "Image";
        using var model = ml.MulticlassClassification.Trainers.AlexNet(options).Fit(images);

        Assert.IsGreaterThan(50_000L, Weights.AssertIdentical(Weights.Of(fromPaths), Weights.Of(fromImages)));
        Assert.HasCount(12, model.Transform(images).GetColumn<float[]>("Score").ToArray());
    }

    [TestMethod]
    public void The_saved_model_loads_and_predicts_through_ML_NET_and_AlexNet_MLNet_types_only()
    {
        var ml = new MLContext(seed: 1);
        var data = Photos.Keyed(ml, Photos.Rows(3));
        string zip = Path.Combine(Photos.Scratch("saved"), "model.zip");
        float[][] expected;
        using (var model = ml.MulticlassClassification.Trainers.AlexNet(Photos.Quick()).Fit(data))
        {
            expected = model.Transform(data).GetColumn<float[]>("Score").ToArray();
            ml.Model.Save(model, data.Schema, zip);
        }

        var loaded = new MLContext().Model.Load(zip, out _);
        var types = Transformers(loaded).Select(t => t.GetType().Assembly.GetName().Name).Distinct().Order().ToArray();
        CollectionAssert.IsSubsetOf(types, new[] { "AlexNet.MLNet", "Microsoft.ML.Data", "Microsoft.ML.ImageAnalytics", "Microsoft.ML.OnnxTransformer", "Microsoft.ML.Transforms" },
            string.Join(", ", types));
        var engine = new MLContext().Model.CreatePredictionEngine<PhotoRow, Prediction>(loaded);
        var rows = Photos.Rows(3);
        for (int i = 0; i < rows.Length; i++)
        {
            var p = engine.Predict(rows[i]);
            for (int k = 0; k < 4; k++) Assert.AreEqual(expected[i][k], p.Score[k], 1e-6f, $"row {i}, class {k}");
            Assert.AreEqual((uint)Array.IndexOf(expected[i], expected[i].Max()) + 1, p.PredictedLabel);
        }
    }

    private static IEnumerable<ITransformer> Transformers(ITransformer t) =>
        t is IEnumerable<ITransformer> chain ? [t, .. chain.SelectMany(Transformers)] : [t];
}
