using System.Text.Json.Serialization;
using AlexNet.Onnx.Model;
using AlexNet.Training.Model;

namespace AlexNet.Training.Training;

/// <summary>
/// Every knob of a training run, in the sections a run is made of. Each default is stated here, once: the CLI's flags
/// and their help text and recipe files (<c>train --config</c>) all start from these records. Everything but
/// <see cref="Runtime"/> is the run's identity, which a checkpoint keeps: a resumed run takes it from there.
/// </summary>
public sealed record TrainOptions
{
    /// <summary>Which images, how many.</summary>
    public DataOptions Data { get; init; } = new();
    /// <summary>The network and its input.</summary>
    public ArchitectureOptions Architecture { get; init; } = new();
    /// <summary>SGD and its loss (section 5).</summary>
    public OptimisationOptions Optimisation { get; init; } = new();
    /// <summary>How long, and how the learning rate moves.</summary>
    public ScheduleOptions Schedule { get; init; } = new();
    /// <summary>What training crops go through (section 4.1).</summary>
    public AugmentationOptions Augmentation { get; init; } = new();
    /// <summary>Where the weights start and which of them train.</summary>
    public FineTuningOptions FineTuning { get; init; } = new();
    /// <summary>Where and how this invocation runs; not part of the run's identity.</summary>
    public RuntimeOptions Runtime { get; init; } = new();
    /// <summary>Seed for weights, shuffling, crops, PCA colour and dropout.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Epochs to train: <see cref="ScheduleOptions.Epochs"/>, else the preset's.</summary>
    [JsonIgnore]
    public int Epochs => Schedule.Epochs ?? ScheduleOptions.EpochsFor(Architecture.Preset);

    /// <summary>The value one 8-bit level maps to before the network: <see cref="ArchitectureOptions.PixelScale"/>, else
    /// what the init assumes (the paper's N(0, 0.01) its raw 0–255 pixels, Kaiming unit-scale inputs: 1/255).</summary>
    [JsonIgnore]
    public double EffectivePixelScale => Architecture.PixelScale
        // torchvision's weights read (level/255 − mean)/std whatever the init of a fresh head.
        ?? (Optimisation.Init == InitScheme.Paper && Architecture.Preset != "torchvision" ? 1.0 : 1.0 / 255);

    /// <summary>
    /// The options a resumed run continues under: the stored run's identity with this invocation's runtime settings, and
    /// this invocation's epoch count when it gives one (a run may be trained for longer).
    /// </summary>
    /// <param name="stored">The options saved in the run's checkpoint.</param>
    public TrainOptions ResumedFrom(TrainOptions stored) =>
        stored with { Runtime = Runtime with { Resume = true }, Schedule = stored.Schedule with { Epochs = Schedule.Epochs ?? stored.Schedule.Epochs } };

    /// <summary>The learning rate of a 0-based epoch under a cosine schedule: ε·(1 + cos(π·epoch/T))/2, 0 from epoch T on.</summary>
    /// <param name="epoch">0-based epoch.</param>
    public double CosineLearningRate(int epoch) =>
        Schedule.LearningRate is not LearningRateSchedule.Cosine { Period: var t } ? throw new InvalidOperationException("No cosine schedule in these options.")
        : epoch >= t ? 0 : Optimisation.LearningRate * (1 + Math.Cos(Math.PI * epoch / t)) / 2;

    /// <summary>The architecture these options describe for a dataset.</summary>
    /// <param name="numClasses">Classes in the data.</param>
    /// <param name="channels">Image channels in the data.</param>
    /// <exception cref="ArgumentException">The crop, resize and padding sizes do not fit together or leave no map.</exception>
    public AlexNetArchitecture BuildArchitecture(int numClasses, int channels)
    {
        var o = Architecture;
        var a = AlexNetArchitecture.FromPreset(o.Preset, numClasses, channels) with
        {
            Activation = o.Activation,
            Lrn = o.Lrn ? new LrnSettings(Alpha: o.LrnAlpha) : null,
            Dropout = o.Dropout,
            BatchNorm = o.BatchNorm,
        };
        if (o.CropSize is { } crop)
            a = a with { InputSize = crop, ResizeSize = AlexNetArchitecture.PaperResizeSize(crop) };
        a = a with { ResizeSize = o.ResizeSize ?? a.ResizeSize, CropPadding = o.CropPadding ?? a.CropPadding };
        if (a.CropPadding < 0 || a.InputSize > a.PaddedSize)
            throw new ArgumentException($"The {a.InputSize}-px crops do not fit a {a.ResizeSize}-px image with {a.CropPadding} px of padding on each side.");
        a = a.Widened(o.Width);
        if (!o.OverlappingPooling) a = a with { PoolKernel = 2, PoolStride = 2 };
        if (o.OneTower) a = a.AsOneTower();
        // After the pooling choice: 2/2 windows leave a different map than 3/2 at the same crop.
        try
        {
            a.StageSizes();
        }
        catch (InvalidOperationException e)
        {
            throw new ArgumentException($"{a.InputSize}-px crops are too small for the {a.Preset} preset: {e.Message}", e);
        }
        return a;
    }
}

/// <summary>Which images, how many.</summary>
public sealed record DataOptions
{
    /// <summary>Dataset folder: IDX files (Fashion-MNIST layout) or an ImageNet-style train/val tree.</summary>
    public string Path { get; init; } = "data/fashion-mnist";
    /// <summary>Channels read from image folders: 3, or 1 for gray (IDX files are gray).</summary>
    public int Channels { get; init; } = 3;
    /// <summary>Use at most this many training images (a subset, for quick runs); all when null.</summary>
    public int? TrainLimit { get; init; }
    /// <summary>Use at most this many validation and test images; all when null.</summary>
    public int? ValLimit { get; init; }
}

/// <summary>The network and its input (section 3).</summary>
public sealed record ArchitectureOptions
{
    /// <summary>paper (227 crops of 256 images), small (28 crops of 32 images) or torchvision (its AlexNet: one tower,
    /// 224 crops of 256 images, ImageNet's channel statistics, the layout its pretrained weights load into).</summary>
    public string Preset { get; init; } = "small";
    /// <summary>Side of the crops the network sees, instead of the preset's; without <see cref="ResizeSize"/> the resize
    /// side follows at the paper's 256:227.</summary>
    public int? CropSize { get; init; }
    /// <summary>Side images are resized to before cropping, instead of the preset's (32 for small, 256 for paper).</summary>
    public int? ResizeSize { get; init; }
    /// <summary>Zero pixels around the resized image before crops are cut (torchvision's RandomCrop padding), instead of
    /// the preset's 0.</summary>
    public int? CropPadding { get; init; }
    /// <summary>Non-linearity (the paper's ReLU, or the tanh of Figure 1).</summary>
    public Activation Activation { get; init; } = Activation.Relu;
    /// <summary>Local response normalisation after conv1 and conv2 (section 3.3).</summary>
    public bool Lrn { get; init; } = true;
    /// <summary>LRN's α as the paper writes it, chosen for raw 0–255 pixels. With inputs scaled to 0–1, α Σa² vanishes
    /// next to k = 2 and LRN becomes a constant scale (docs/PAPER.md); α ÷ pixel scale² gives it back its strength.</summary>
    public double LrnAlpha { get; init; } = new LrnSettings().Alpha;
    /// <summary>Batch normalisation after every conv layer (not in the paper; folded into the convs on export).</summary>
    public bool BatchNorm { get; init; }
    /// <summary>Overlapping 3/2 pooling (section 3.4), or 2/2.</summary>
    public bool OverlappingPooling { get; init; } = true;
    /// <summary>One tower with half the kernels instead of two (the paper's one-GPU comparison).</summary>
    public bool OneTower { get; init; }
    /// <summary>Multiplies every layer's kernels and units, fc8 excepted; 1 keeps the preset's sizes.</summary>
    public double Width { get; init; } = 1;
    /// <summary>Dropout probability on fc6 and fc7 (section 4.2).</summary>
    public double Dropout { get; init; } = 0.5;
    /// <summary>The value one 8-bit level maps to; null follows the init (see <see cref="TrainOptions.EffectivePixelScale"/>).</summary>
    public double? PixelScale { get; init; }
}

/// <summary>SGD and its loss (section 5).</summary>
public sealed record OptimisationOptions
{
    /// <summary>Mini-batch size.</summary>
    public int BatchSize { get; init; } = 128;
    /// <summary>Initial learning rate ε.</summary>
    public double LearningRate { get; init; } = 0.01;
    /// <summary>Momentum μ.</summary>
    public double Momentum { get; init; } = 0.9;
    /// <summary>Weight decay λ.</summary>
    public double WeightDecay { get; init; } = 0.0005;
    /// <summary>Label smoothing of the loss (not in the paper): the target puts 1 − s on the true class and s evenly over
    /// all classes, as PyTorch's <c>CrossEntropyLoss(label_smoothing=s)</c>; 0 keeps the paper's loss.</summary>
    public double LabelSmoothing { get; init; }
    /// <summary>Weight initialisation. Kaiming: the paper's N(0, 0.01) left the small net at chance here
    /// (docs/benchmarks/2026-11-29-fashion-mnist-runs.md, "Initialisation").</summary>
    public InitScheme Init { get; init; } = InitScheme.Kaiming;
}

/// <summary>How long, and how the learning rate moves.</summary>
public sealed record ScheduleOptions
{
    /// <summary>Epochs to train; null is the preset's (<see cref="EpochsFor"/>).</summary>
    public int? Epochs { get; init; }
    /// <summary>How the learning rate moves from epoch to epoch.</summary>
    public LearningRateSchedule LearningRate { get; init; } = new LearningRateSchedule.Plateau();

    /// <summary>The preset's epochs: the paper's 90, and 10 for the small preset and for torchvision's (a fine-tune).</summary>
    /// <param name="preset">paper, small or torchvision.</param>
    public static int EpochsFor(string preset) => preset == "paper" ? 90 : 10;
}

/// <summary>One of PyTorch's learning-rate schedules, stepped once per epoch.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(Plateau), "plateau")]
[JsonDerivedType(typeof(Steps), "steps")]
[JsonDerivedType(typeof(Cosine), "cosine")]
public abstract record LearningRateSchedule
{
    /// <summary>Section 5's rule (PyTorch's <c>ReduceLROnPlateau</c>): ε ÷ 10 when the validation error has not improved
    /// for <see cref="Patience"/> epochs, at most <see cref="MaxDrops"/> times (the paper's authors did it three times).</summary>
    /// <param name="Patience">Epochs without improvement before a drop.</param>
    /// <param name="MaxDrops">Most drops.</param>
    public sealed record Plateau(int Patience = 2, int MaxDrops = 3) : LearningRateSchedule
    {
        /// <inheritdoc/>
        public override string ToString() => $"plateau:{Patience},{MaxDrops}";
    }

    /// <summary>ε ÷ 10 after each listed epoch, whatever validation does (PyTorch's <c>MultiStepLR</c> milestones).</summary>
    /// <param name="Milestones">Epochs in increasing order.</param>
    public sealed record Steps(IReadOnlyList<int> Milestones) : LearningRateSchedule
    {
        /// <summary>Same milestones, same schedule.</summary>
        /// <param name="other">The other schedule.</param>
        public bool Equals(Steps? other) => other is not null && Milestones.SequenceEqual(other.Milestones);
        /// <inheritdoc/>
        public override int GetHashCode() => Milestones.Aggregate(17, (h, m) => h * 31 + m);
        /// <inheritdoc/>
        public override string ToString() => $"steps:{string.Join(',', Milestones)}";
    }

    /// <summary>ε along a half cosine to 0 over <see cref="Period"/> epochs (PyTorch's <c>CosineAnnealingLR</c> with
    /// T_max = the period). Stored with the run, so a resume with more epochs keeps the curve.</summary>
    /// <param name="Period">T in epochs.</param>
    public sealed record Cosine(int Period) : LearningRateSchedule
    {
        /// <inheritdoc/>
        public override string ToString() => $"cosine:{Period}";
    }
}

/// <summary>What training crops go through (section 4.1).</summary>
public sealed record AugmentationOptions
{
    /// <summary>Random crops and flips (off: centre crops).</summary>
    public bool RandomCrops { get; init; } = true;
    /// <summary>PCA colour augmentation (3-channel data only).</summary>
    public bool PcaLighting { get; init; } = true;
    /// <summary>Probability that a training crop gets a rectangle set to the mean (random erasing, Zhong et al. 2017; not
    /// in the paper); 0 keeps the paper's augmentations only.</summary>
    public double RandomErasing { get; init; }
}

/// <summary>Where the weights start and which of them train: a new run from pretrained weights, as torchvision's
/// transfer-learning tutorial does it.</summary>
public sealed record FineTuningOptions
{
    /// <summary>Weights to start from instead of the initialisation: one of our checkpoints, a model.onnx from
    /// <c>export</c>, a PyTorch state dict (.pth, .pt) or a .safetensors file. Tensors are matched by name and shape; a
    /// classifier head of another class count starts afresh. Null starts from <see cref="OptimisationOptions.Init"/>.</summary>
    public string? InitFrom { get; init; }
    /// <summary>Layers that get no update and no weight decay: names (conv1 … conv5, fc6, fc7, fc8), ranges
    /// (conv1-conv5) or torchvision's groups (features = conv1-conv5, classifier = fc6-fc8). Empty trains everything.</summary>
    public IReadOnlyList<string> Freeze { get; init; } = [];
    /// <summary>Learning rate of the classifier head (fc8), as a separate parameter group; the schedule scales it with
    /// the base rate. Null: the head trains at <see cref="OptimisationOptions.LearningRate"/>.</summary>
    public double? HeadLearningRate { get; init; }

    /// <summary>Same start, same frozen layers, same head rate.</summary>
    /// <param name="other">The other options.</param>
    public bool Equals(FineTuningOptions? other) => other is not null && InitFrom == other.InitFrom
        && Freeze.SequenceEqual(other.Freeze) && HeadLearningRate == other.HeadLearningRate;
    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(InitFrom, Freeze.Count, HeadLearningRate);
}

/// <summary>Where and how this invocation runs. None of it is part of a run's identity: on <c>--resume</c> the new
/// command line's values hold.</summary>
public sealed record RuntimeOptions
{
    /// <summary>Run folder for checkpoints, metrics, curves and the exported model; the CLI's default is
    /// <see cref="DefaultRunDir"/>.</summary>
    public string RunDir { get; init; } = "";
    /// <summary>"cpu" or "cuda" (the towers together on one device), or one device per tower such as "cuda:0,cuda:1".</summary>
    public string Devices { get; init; } = "cpu";
    /// <summary>TorchSharp intra-op threads; 0 keeps libtorch's default.</summary>
    public int Threads { get; init; }
    /// <summary>Data-loading worker threads.</summary>
    public int Workers { get; init; } = 2;
    /// <summary>Record the training loss and error every this many steps (steps.csv, the curve drawn per step), as
    /// torchvision's reference scripts print every <c>--print-freq</c> steps; validation stays once per epoch.</summary>
    public int LogEvery { get; init; } = 10;
    /// <summary>Stop after this many optimisation steps in total (tests, smoke runs); null trains to the end.</summary>
    public long? MaxSteps { get; init; }
    /// <summary>Evaluate with ten crops after the last epoch (the paper's test-time averaging).</summary>
    public bool TenCropAtEnd { get; init; } = true;
    /// <summary>Export model.onnx into the run folder when training ends.</summary>
    public bool Export { get; init; } = true;
    /// <summary>Continue from the run folder's checkpoint.</summary>
    public bool Resume { get; init; }
    /// <summary>With <see cref="Resume"/>: continue at this learning rate instead of the stored one, as the paper's authors
    /// divided it by hand (section 5). A lower rate counts as one of the plateau schedule's drops, whose count restarts.</summary>
    public double? ResumeLearningRate { get; init; }
    /// <summary>
    /// Train on stored trunk outputs when that gives the same run, as ML.NET's <c>ImageClassificationTrainer</c> caches
    /// its bottleneck values: when <see cref="FineTuningOptions.Freeze"/> covers every convolution, training crops are
    /// centre crops (<see cref="AugmentationOptions.RandomCrops"/> off, which also leaves PCA lighting and random
    /// erasing unapplied) and there is no batch norm, conv1 … conv5 run once per training and validation image at the
    /// start of <see cref="Trainer.Run"/>, and every epoch trains fc6 … fc8 on the stored maps. The store holds
    /// (images × <see cref="AlexNetArchitecture.Fc6Inputs"/>) floats: in memory up to
    /// <see cref="BottleneckStore.MemoryLimitBytes"/>, beyond that in files in <see cref="RunDir"/> that the run
    /// deletes when it returns. The weights equal those of the uncached run within float rounding; the log says when the
    /// cache is used, and why not when the convolutions are frozen but it cannot be. False runs the whole network at
    /// every step.
    /// </summary>
    public bool BottleneckCache { get; init; } = true;
    /// <summary>
    /// The layout of the convolutional layers' activations when the towers run on the CPU, as PyTorch's
    /// <c>torch.memory_format</c> names it (<see cref="AlexNetModel.MemoryFormat"/>): <see cref="MemoryFormat.ChannelsLast"/>
    /// keeps them NHWC from conv1's input to conv5's output, the layout oneDNN's convolutions compute in, so no activation
    /// or gradient is converted around them; <see cref="MemoryFormat.Contiguous"/> keeps libtorch's NCHW. Parameters,
    /// checkpoints and the export are the same either way, and so is the training within float rounding. Other devices
    /// keep NCHW.
    /// </summary>
    public MemoryFormat MemoryFormat { get; init; } = MemoryFormat.ChannelsLast;
    /// <summary>Bytes of trunk outputs held in memory before they go to disk; a seam for tests of the disk path.</summary>
    [JsonIgnore]
    internal long BottleneckCacheMemoryLimit { get; init; } = BottleneckStore.MemoryLimitBytes;
    /// <summary>Progress output; null is silent.</summary>
    [JsonIgnore]
    public TextWriter? Log { get; init; }
    /// <summary>
    /// Called on the training thread just before each optimisation step, with the number of steps done so far (the
    /// checkpoint's <see cref="TrainingState.Step"/>); any checkpoint due before that step is written by then. Exists for
    /// tests: the CLI sets it from <c>ALEXNET_HOLD_BEFORE_STEP</c> so that a test can hold a training process at a known
    /// step, signal or kill it there and let it go, instead of racing the run to a progress line. Null does nothing.
    /// </summary>
    [JsonIgnore]
    public Action<long>? BeforeStep { get; init; }
    /// <summary>
    /// Called on the training thread after each completed epoch, once its checkpoint and metrics.csv row are written,
    /// with that row. The ML.NET trainer reports per-epoch metrics and decides early stopping here; a cancellation
    /// requested from it ends the run before the next epoch. Null does nothing.
    /// </summary>
    [JsonIgnore]
    public Action<EpochMetrics>? AfterEpoch { get; init; }

    /// <summary>runs/&lt;preset&gt;-&lt;local time&gt;, a new folder per run.</summary>
    /// <param name="preset">The architecture preset.</param>
    /// <param name="now">The start time.</param>
    public static string DefaultRunDir(string preset, DateTime now) => System.IO.Path.Combine("runs", $"{preset}-{now:yyyyMMdd-HHmmss}");
}
