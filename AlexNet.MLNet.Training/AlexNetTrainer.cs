using AlexNet.MLNet.Training.Data;
using AlexNet.Onnx.Imaging;
using AlexNet.Training.Data;
using AlexNet.Training.Export;
using AlexNet.Training.Model;
using AlexNet.Training.Training;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace AlexNet.MLNet.Training;

/// <summary>
/// Retrains AlexNet inside an ML.NET pipeline: <c>mlContext.MulticlassClassification.Trainers.AlexNet(options)</c>.
/// <see cref="Fit"/> reads the labelled images of its input (<see cref="DataViewImages"/>), trains them with
/// AlexNet.Training's <c>Trainer</c> (the code <c>alexnet train</c> runs, on the same <c>TrainOptions</c>), exports
/// model.onnx and returns AlexNet.MLNet's <see cref="AlexNetTransformer"/> over it, the ONNX bytes inside the
/// transformer as <c>ClassifyImagesWithAlexNet</c> gives them. Its classes are the label key's values in key order, so
/// <c>Score</c>'s slot k is key k + 1 and <c>MulticlassClassification.Evaluate</c> reads the output as it is. A saved
/// model loads and predicts in an app that references AlexNet.MLNet only.
/// <para>
/// Memory: every training and validation image is held decoded at the preset's resize side R, N × C × R × R bytes (3 KiB
/// an image for the small preset, 192 KiB for paper and torchvision), plus the network and its SGD state.
/// </para>
/// <para>
/// Progress goes to the MLContext's log (<c>MLContext.Log</c>). <c>mlContext.CancelExecution()</c> or
/// <see cref="Options.CancellationToken"/> stops training after the current step with a checkpoint in
/// <see cref="Options.WorkspacePath"/> and <see cref="Fit"/> throws <see cref="OperationCanceledException"/>; a
/// <see cref="Fit"/> with the same workspace continues the run where it stopped.
/// </para>
/// </summary>
public sealed class AlexNetTrainer : IEstimator<AlexNetTransformer>
{
    /// <summary>
    /// Settings of <see cref="AlexNetTrainer"/>. Names follow ML.NET's <c>ImageClassificationTrainer.Options</c> where they
    /// mean the same; the rest are <c>alexnet train</c>'s flags (docs/MLNET.md has the table). Every default not written
    /// here is AlexNet.Training's <c>TrainOptions</c> default, the CLI's too.
    /// </summary>
    public sealed class Options
    {
        /// <summary>The label column: a key (<c>MapValueToKey</c>'s output). Its key values, in key order, become the classes.</summary>
        public string LabelColumnName { get; set; } = "Label";
        /// <summary>The image column: file paths (text), encoded images (a vector of bytes, e.g. <c>LoadRawImageBytes</c>)
        /// or images (<c>LoadImages</c>, <c>MLImage</c>). ML.NET's image trainer calls its image column FeatureColumnName
        /// too; its default here is "Image", <c>ClassifyImagesWithAlexNet</c>'s, not "Features".</summary>
        public string FeatureColumnName { get; set; } = DefaultFeatureColumnName;

        /// <summary>The default <see cref="FeatureColumnName"/>.</summary>
        public const string DefaultFeatureColumnName = "Image";
        /// <summary>Output column of the class probabilities.</summary>
        public string ScoreColumnName { get; set; } = "Score";
        /// <summary>Output column of the predicted class, a key over the classes.</summary>
        public string PredictedLabelColumnName { get; set; } = "PredictedLabel";

        /// <summary>Epochs to train; null is the preset's (10 for small and torchvision, 90 for paper).</summary>
        public int? Epoch { get; set; }
        /// <summary>Images per SGD step.</summary>
        public int BatchSize { get; set; } = new OptimisationOptions().BatchSize;
        /// <summary>Initial learning rate ε.</summary>
        public double LearningRate { get; set; } = new OptimisationOptions().LearningRate;
        /// <summary>Momentum μ.</summary>
        public double Momentum { get; set; } = new OptimisationOptions().Momentum;
        /// <summary>Weight decay λ.</summary>
        public double WeightDecay { get; set; } = new OptimisationOptions().WeightDecay;
        /// <summary>How the learning rate moves between epochs: section 5's ÷10 on a validation plateau (the default),
        /// fixed steps, or a cosine.</summary>
        public LearningRateSchedule Schedule { get; set; } = new ScheduleOptions().LearningRate;

        /// <summary>Images that drive the schedule and early stopping, with the same columns as the training data. When null,
        /// <see cref="ValidationSetFraction"/> of the training rows is held out instead.</summary>
        public IDataView? ValidationSet { get; set; }
        /// <summary>Share of the training rows held out for validation when <see cref="ValidationSet"/> is null, chosen
        /// by a shuffle seeded with <see cref="Seed"/>: 0 &lt; fraction &lt; 1.</summary>
        public double ValidationSetFraction { get; set; } = 0.1;
        /// <summary>Called after each epoch with its loss, accuracies, learning rate and throughput.</summary>
        public Action<AlexNetEpochMetrics>? MetricsCallback { get; set; }
        /// <summary>Stop when the validation accuracy stalls (ImageClassificationTrainer's name and rule); null, the
        /// default, trains every epoch, as <c>alexnet train</c> does.</summary>
        public EarlyStopping? EarlyStoppingCriteria { get; set; }
        /// <summary>Folder for the run: checkpoint.ckpt, metrics.csv, steps.csv, training-curve.png and model.onnx. A
        /// <see cref="Fit"/> that finds a checkpoint here continues that run (the same options and classes, or an error
        /// naming what differs). Null: a temporary folder, removed when <see cref="Fit"/> returns.</summary>
        public string? WorkspacePath { get; set; }

        /// <summary>paper (227 crops of 256 images, two towers), small (28 crops of 32 images) or torchvision (its
        /// AlexNet, 224 crops of 256 images, the layout its ImageNet weights load into).</summary>
        public string Preset { get; set; } = new ArchitectureOptions().Preset;
        /// <summary>Image channels: 3 (R, G, B) or 1 (gray: the red plane).</summary>
        public int Channels { get; set; } = new DataOptions().Channels;
        /// <summary>Weights to start from: any file <c>alexnet train --init-from</c> reads (our checkpoint or model.onnx,
        /// a PyTorch state dict, a .safetensors file); the head starts afresh when the classes differ. Null: fresh weights.</summary>
        public string? InitFrom { get; set; }
        /// <summary>Layers that do not train: names (conv1 … fc8), ranges (conv1-conv5) or torchvision's groups
        /// (features, classifier).</summary>
        public IReadOnlyList<string> Freeze { get; set; } = [];
        /// <summary>Learning rate of the classifier head (fc8); null: <see cref="LearningRate"/>.</summary>
        public double? HeadLearningRate { get; set; }
        /// <summary>Random crops and flips, and PCA colour noise on 3-channel images (section 4.1); off: centre crops only.</summary>
        public bool Augment { get; set; } = new AugmentationOptions().RandomCrops;
        /// <summary>The paper's ten-crop averaging: in the returned transformer and in the held-out evaluation after
        /// training; off: one centre crop.</summary>
        public bool TenCrop { get; set; } = new RuntimeOptions().TenCropAtEnd;
        /// <summary>With every convolution frozen (<see cref="Freeze"/> conv1-conv5 or features) and <see cref="Augment"/> off,
        /// run conv1–conv5 once per image and train fc6–fc8 on their stored output, as ImageClassificationTrainer's
        /// bottleneck cache does (9,216 floats an image for torchvision, in memory up to 2 GiB, beyond that in files in
        /// <see cref="WorkspacePath"/>); the weights are those of the uncached run within float rounding. False runs the whole
        /// network at every step.</summary>
        public bool BottleneckCache { get; set; } = new RuntimeOptions().BottleneckCache;
        /// <summary>The layout of the conv layers' activations on the CPU, as PyTorch's <c>torch.memory_format</c> names it:
        /// <see cref="MemoryFormat.ChannelsLast"/> (NHWC, what oneDNN's convolutions compute in, so nothing is converted
        /// around them) or <see cref="MemoryFormat.Contiguous"/> (NCHW); the same weights within float rounding.</summary>
        public MemoryFormat MemoryFormat { get; set; } = new RuntimeOptions().MemoryFormat;
        /// <summary>"cpu", "cuda", or one device per tower such as "cuda:0,cuda:1".</summary>
        public string Devices { get; set; } = new RuntimeOptions().Devices;
        /// <summary>Threads preparing batches.</summary>
        public int Workers { get; set; } = new RuntimeOptions().Workers;
        /// <summary>Seed for weights, shuffling, crops, colour noise, dropout and the validation split.</summary>
        public int Seed { get; set; } = new TrainOptions().Seed;
        /// <summary>Stops training after the current step with a checkpoint, as <c>mlContext.CancelExecution()</c> does.</summary>
        public CancellationToken CancellationToken { get; set; }
        /// <summary>Decoding limits for the images (pixel limit, truncated files).</summary>
        public ImageDecodeOptions Decode { get; set; } = ImageDecodeOptions.Default;
    }

    private readonly IHost _host;
    private readonly Options _options;

    internal AlexNetTrainer(IHostEnvironment env, Options options)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(options);
        _host = env.Register(nameof(AlexNetTrainer));
        _options = options;
        Check(options);
    }

    /// <summary>The settings this trainer was made with.</summary>
    public Options TrainerOptions => _options;

    /// <summary>Trains on <paramref name="input"/> and returns the classifier.</summary>
    /// <param name="input">Rows with the key label and the image column.</param>
    /// <exception cref="ArgumentException">A column is missing or of the wrong type (a text label: add <c>MapValueToKey</c>),
    /// no row could be read, or the workspace holds a run with other options or classes.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; the checkpoint is in the workspace.</exception>
    public AlexNetTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var o = _options;
        using var channel = _host.Start("Training AlexNet");
        var classes = ClassNames(input.Schema, o.LabelColumnName);
        DataViewImages.KindOf(input.Schema, o.FeatureColumnName, nameof(Options.FeatureColumnName));
        var train = BuildTrainOptions(o, runDir: "", resume: false);
        int size = train.BuildArchitecture(classes.Count, o.Channels).ResizeSize;

        var data = ReadData(input, classes, size, channel);
        bool temporary = o.WorkspacePath is null;
        string workspace = o.WorkspacePath ?? Directory.CreateTempSubdirectory("alexnet-mlnet-").FullName;
        try
        {
            var onnx = Train(data, workspace, channel);
            var transforms = MLNetEnvironment.Transforms(_host);
            var serving = new AlexNetOptions
            {
                CropMode = o.TenCrop ? CropMode.TenCrop : CropMode.CentreCrop,
                ScoreColumnName = o.ScoreColumnName, PredictedLabelColumnName = o.PredictedLabelColumnName,
            };
            return transforms.ClassifyImagesWithAlexNet(onnx, o.FeatureColumnName, serving).Fit(input);
        }
        finally
        {
            if (temporary) Directory.Delete(workspace, recursive: true);
        }
    }

    // Runs AlexNet.Training's Trainer (resuming the workspace's run when it has one) and returns model.onnx.
    private string Train(TrainingData data, string workspace, IChannel channel)
    {
        var o = _options;
        string checkpoint = Path.Combine(workspace, Trainer.CheckpointFile);
        bool resume = File.Exists(checkpoint);
        var train = BuildTrainOptions(o, workspace, resume);
        if (resume) CheckSameRun(checkpoint, train, data.Train.ClassNames);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(o.CancellationToken);
        var tracker = o.EarlyStoppingCriteria is { } rule ? new EarlyStopping.Tracker(rule) : null;
        bool stoppedEarly = false;
        using var log = new ChannelWriter(channel);
        train = train with
        {
            Runtime = train.Runtime with
            {
                Log = log,
                BeforeStep = _ => { if (MLNetEnvironment.IsCancelled(_host)) stop.Cancel(); },
                AfterEpoch = row =>
                {
                    var metrics = new AlexNetEpochMetrics(row.Epoch, row.TrainLoss, 1 - row.TrainError, 1 - row.ValError, row.LearningRate, row.ImagesPerSecond);
                    o.MetricsCallback?.Invoke(metrics);
                    if (MLNetEnvironment.IsCancelled(_host)) stop.Cancel();
                    if (tracker?.ShouldStop(metrics.ValidationAccuracy) == true && !stop.IsCancellationRequested)
                    {
                        stoppedEarly = true;
                        channel.Info($"early stopping after epoch {row.Epoch}: validation accuracy has not risen by {o.EarlyStoppingCriteria!.MinDelta} for {o.EarlyStoppingCriteria.Patience} epoch(s)");
                        stop.Cancel();
                    }
                },
            },
        };
        if (MLNetEnvironment.IsCancelled(_host)) stop.Cancel();
        stop.Token.ThrowIfCancellationRequested();

        channel.Info($"{(resume ? "resuming" : "training")} {train.Architecture.Preset} AlexNet in {workspace}: {data.Train.Count} training and " +
                     $"{data.Validation.Count} validation images, {data.Train.ClassNames.Count} classes, {train.Epochs} epoch(s)");
        using var trainer = new Trainer(train, data);
        var result = trainer.Run(stop.Token);
        if (result.OnnxPath is { } onnx) return onnx;
        if (!stoppedEarly)
            throw new OperationCanceledException(
                $"AlexNet training was cancelled at epoch {result.State.CompletedEpochs + 1}, step {result.State.Step}; the checkpoint is {checkpoint}" +
                (o.WorkspacePath is null ? " (a temporary folder, now removed: set Options.WorkspacePath to keep it)." : ". Fit again with the same WorkspacePath to continue."),
                stop.Token);
        // Early stopping ends the run between epochs, where the Trainer leaves the export to its caller.
        string path = Path.Combine(workspace, "model.onnx");
        ModelExport.Write(trainer.Model, trainer.Mean, train.EffectivePixelScale, result.State.ClassNames, path, ModelExport.Summary(result.State, null));
        return path;
    }

    // The options alexnet train would run with for the same settings; Data.Path only names the data in the exported summary.
    internal static TrainOptions BuildTrainOptions(Options o, string runDir, bool resume)
    {
        var defaults = new TrainOptions();
        return defaults with
        {
            Data = defaults.Data with { Path = "mlnet", Channels = o.Channels },
            Architecture = defaults.Architecture with { Preset = o.Preset },
            Optimisation = defaults.Optimisation with { BatchSize = o.BatchSize, LearningRate = o.LearningRate, Momentum = o.Momentum, WeightDecay = o.WeightDecay },
            Schedule = defaults.Schedule with { Epochs = o.Epoch, LearningRate = o.Schedule },
            Augmentation = defaults.Augmentation with { RandomCrops = o.Augment, PcaLighting = o.Augment && defaults.Augmentation.PcaLighting },
            FineTuning = defaults.FineTuning with { InitFrom = o.InitFrom, Freeze = o.Freeze, HeadLearningRate = o.HeadLearningRate },
            Runtime = defaults.Runtime with { RunDir = runDir, Devices = o.Devices, Workers = o.Workers, TenCropAtEnd = o.TenCrop, Export = true, Resume = resume,
                BottleneckCache = o.BottleneckCache, MemoryFormat = o.MemoryFormat },
            Seed = o.Seed,
        };
    }

    // A checkpoint in the workspace is continued only when it is the same run: the Trainer would otherwise carry on with
    // the stored settings and silently ignore the new ones.
    private static void CheckSameRun(string checkpoint, TrainOptions mine, IReadOnlyList<string> classes)
    {
        var stored = Checkpoint.ReadState<TrainingState>(checkpoint);
        var theirs = stored.Options;
        var differences = new List<string>();
        if (theirs.Data.Channels != mine.Data.Channels) differences.Add($"Channels {theirs.Data.Channels} → {mine.Data.Channels}");
        if (theirs.Architecture != mine.Architecture) differences.Add($"the architecture (Preset {theirs.Architecture.Preset} → {mine.Architecture.Preset})");
        if (theirs.Optimisation != mine.Optimisation) differences.Add("BatchSize, LearningRate, Momentum or WeightDecay");
        if (theirs.Schedule.LearningRate != mine.Schedule.LearningRate) differences.Add($"Schedule {theirs.Schedule.LearningRate} → {mine.Schedule.LearningRate}");
        if (theirs.Augmentation != mine.Augmentation) differences.Add("Augment");
        if (theirs.FineTuning != mine.FineTuning) differences.Add("InitFrom, Freeze or HeadLearningRate");
        if (theirs.Seed != mine.Seed) differences.Add($"Seed {theirs.Seed} → {mine.Seed}");
        if (!stored.ClassNames.SequenceEqual(classes)) differences.Add($"the classes [{string.Join(", ", stored.ClassNames)}] → [{string.Join(", ", classes)}]");
        if (differences.Count > 0)
            throw new ArgumentException(
                $"WorkspacePath holds a run ({checkpoint}) made with other settings: {string.Join("; ", differences)}. A Fit continues the workspace's run " +
                "with the settings it started with (Epoch may grow); use another WorkspacePath for a new run.", nameof(Options.WorkspacePath));
    }

    // Reads the training rows and the validation rows (the ValidationSet, or a seeded share of the training rows).
    private TrainingData ReadData(IDataView input, IReadOnlyList<string> classes, int size, IChannel channel)
    {
        var o = _options;
        var all = ReadImages(input, "training", classes, size, channel);
        if (o.ValidationSet is { } validation)
        {
            var validationClasses = ClassNames(validation.Schema, o.LabelColumnName);
            if (!validationClasses.SequenceEqual(classes))
                throw new ArgumentException(
                    $"The ValidationSet's label key names the classes [{string.Join(", ", validationClasses)}], the training data's [{string.Join(", ", classes)}]; " +
                    "key both with the same MapValueToKey transformer (fit it once and apply it to both).", nameof(Options.ValidationSet));
            return new TrainingData("mlnet", all, ReadImages(validation, "validation", classes, size, channel), null);
        }
        var (trainRows, validationRows) = Split(all.Count, o.ValidationSetFraction, o.Seed);
        return new TrainingData("mlnet", all.Take(trainRows), all.Take(validationRows), null);
    }

    private InMemoryImages ReadImages(IDataView data, string what, IReadOnlyList<string> classes, int size, IChannel channel)
    {
        var o = _options;
        var read = DataViewImages.Read(data, o.FeatureColumnName, o.LabelColumnName, classes, size, o.Channels, o.Decode);
        if (read.Unlabelled > 0) channel.Info($"{what} data: skipped {read.Unlabelled} row(s) without a label");
        if (read.Skipped.Count > 0)
        {
            channel.Warning($"{what} data: skipped {read.Skipped.Count} unreadable image(s):");
            foreach (var s in read.Skipped) channel.Warning($"  skipped {s.Path}: {s.Reason}");
        }
        if (read.Images.Count == 0)
            throw new ArgumentException(
                $"The {what} data has no row with both a label and a readable image ({read.Unlabelled} without a label, {read.Skipped.Count} unreadable" +
                (read.Skipped.Count > 0 ? $", the first: {read.Skipped[0].Path}: {read.Skipped[0].Reason}" : "") + ").", nameof(data));
        return read.Images;
    }

    /// <summary>The rows held out for validation: the last ⌈fraction·n⌉ of a shuffle seeded with the run's seed, both parts in row order.</summary>
    internal static (int[] Train, int[] Validation) Split(int count, double fraction, int seed)
    {
        int held = (int)Math.Ceiling(fraction * count);
        if (held < 1 || held >= count)
            throw new ArgumentException(
                $"ValidationSetFraction {fraction} of {count} readable training row(s) leaves {held} for validation and {count - held} for training; " +
                "each needs at least one. Give more rows, another fraction, or a ValidationSet.", nameof(Options.ValidationSetFraction));
        var order = Enumerable.Range(0, count).ToArray();
        SplitMix64.For(seed, -1, -2).Shuffle(order);
        var validation = order[^held..].Order().ToArray();
        return ([.. Enumerable.Range(0, count).Except(validation)], validation);
    }

    // The classes: the label key's values in key order, so that class k − 1 is key k and Score's slot k − 1 with it.
    private static IReadOnlyList<string> ClassNames(DataViewSchema schema, string labelColumn)
    {
        var column = schema.GetColumnOrNull(labelColumn) ?? throw new ArgumentException(
            $"Column '{labelColumn}' (LabelColumnName) is not in the input (columns: {string.Join(", ", schema.Select(c => c.Name))}).", nameof(Options.LabelColumnName));
        if (column.Type is not KeyDataViewType key)
            throw new ArgumentException(
                $"Column '{labelColumn}' (LabelColumnName) holds {column.Type}; the AlexNet trainer needs a key label, as every ML.NET multiclass trainer does. " +
                $"Add mlContext.Transforms.Conversion.MapValueToKey(\"{labelColumn}\") before the trainer.", nameof(Options.LabelColumnName));
        if (key.RawType != typeof(uint))
            throw new ArgumentException($"Column '{labelColumn}' (LabelColumnName) is a {key.RawType.Name} key; MapValueToKey's uint keys are read.", nameof(Options.LabelColumnName));
        int count = checked((int)key.Count);
        if (column.Annotations.Schema.GetColumnOrNull("KeyValues")?.Type is not VectorDataViewType { ItemType: TextDataViewType })
            return [.. Enumerable.Range(1, count).Select(k => k.ToString(System.Globalization.CultureInfo.InvariantCulture))];
        var values = default(VBuffer<ReadOnlyMemory<char>>);
        column.GetKeyValues(ref values);
        var names = values.DenseValues().Select(v => v.ToString()).ToArray();
        if (names.FirstOrDefault(string.IsNullOrEmpty) is not null || names.Distinct(StringComparer.Ordinal).Count() != names.Length)
            throw new ArgumentException($"Column '{labelColumn}''s key values [{string.Join(", ", names)}] must be distinct and non-empty: they become the class names.", nameof(Options.LabelColumnName));
        return names;
    }

    private static void Check(Options o)
    {
        foreach (var (name, value) in new[] { (nameof(o.LabelColumnName), o.LabelColumnName), (nameof(o.FeatureColumnName), o.FeatureColumnName),
                     (nameof(o.ScoreColumnName), o.ScoreColumnName), (nameof(o.PredictedLabelColumnName), o.PredictedLabelColumnName) })
            if (string.IsNullOrWhiteSpace(value)) throw new ArgumentException($"Options.{name} is empty.", name);
        if (o.Epoch is < 1) throw new ArgumentOutOfRangeException(nameof(o.Epoch), o.Epoch, "Options.Epoch is the number of epochs: 1 or more (null: the preset's).");
        if (o.BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(o.BatchSize), o.BatchSize, "Options.BatchSize is images per step: 1 or more.");
        if (!(o.LearningRate > 0)) throw new ArgumentOutOfRangeException(nameof(o.LearningRate), o.LearningRate, "Options.LearningRate must be positive.");
        if (o.ValidationSet is null && !(o.ValidationSetFraction is > 0 and < 1))
            throw new ArgumentOutOfRangeException(nameof(o.ValidationSetFraction), o.ValidationSetFraction, "Options.ValidationSetFraction must lie strictly between 0 and 1 when no ValidationSet is given.");
        if (o.Channels is not (1 or 3)) throw new ArgumentOutOfRangeException(nameof(o.Channels), o.Channels, "Options.Channels must be 3 (R, G, B) or 1 (gray).");
        if (o.EarlyStoppingCriteria is { Patience: < 1 }) throw new ArgumentOutOfRangeException(nameof(o.EarlyStoppingCriteria), o.EarlyStoppingCriteria.Patience, "EarlyStopping.Patience must be 1 or more epochs.");
    }

    /// <summary>The output schema: the input plus <see cref="Options.ScoreColumnName"/> (a vector of floats) and
    /// <see cref="Options.PredictedLabelColumnName"/> (a key).</summary>
    /// <param name="inputSchema">Shape of the input.</param>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        var o = _options;
        var label = inputSchema.FirstOrDefault(c => c.Name == o.LabelColumnName);
        if (label.Name is null)
            throw new ArgumentException($"Column '{o.LabelColumnName}' (LabelColumnName) is not in the input.", nameof(inputSchema));
        if (!label.IsKey)
            throw new ArgumentException($"Column '{o.LabelColumnName}' (LabelColumnName) holds {label.ItemType}; the AlexNet trainer needs a key label: " +
                $"add mlContext.Transforms.Conversion.MapValueToKey(\"{o.LabelColumnName}\") before the trainer.", nameof(inputSchema));
        if (!inputSchema.Any(c => c.Name == o.FeatureColumnName))
            throw new ArgumentException($"Column '{o.FeatureColumnName}' (FeatureColumnName) is not in the input.", nameof(inputSchema));
        // The class count is not known before Fit; a shape keeps only the kinds: a float vector with slot names (the
        // classes) and a key with key values (the same classes), as the transformer gives them.
        var names = new DataViewSchema.Annotations.Builder();
        names.Add("SlotNames", new VectorDataViewType(TextDataViewType.Instance, 1), (ref VBuffer<ReadOnlyMemory<char>> v) => v = new VBuffer<ReadOnlyMemory<char>>(1, ["class".AsMemory()]));
        var values = new DataViewSchema.Annotations.Builder();
        values.Add("KeyValues", new VectorDataViewType(TextDataViewType.Instance, 1), (ref VBuffer<ReadOnlyMemory<char>> v) => v = new VBuffer<ReadOnlyMemory<char>>(1, ["class".AsMemory()]));
        var added = new DataViewSchema.Builder();
        added.AddColumn(o.ScoreColumnName, new VectorDataViewType(NumberDataViewType.Single, 1), names.ToAnnotations());
        added.AddColumn(o.PredictedLabelColumnName, new KeyDataViewType(typeof(uint), 1), values.ToAnnotations());
        var outputs = new HashSet<string>([o.ScoreColumnName, o.PredictedLabelColumnName]);
        return new SchemaShape([.. inputSchema.Where(c => !outputs.Contains(c.Name)), .. MLNetEnvironment.Shape(added.ToSchema())]);
    }
}
