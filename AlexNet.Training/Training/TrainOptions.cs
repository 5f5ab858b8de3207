using AlexNet.Onnx.Model;
using AlexNet.Training.Model;

namespace AlexNet.Training.Training;

/// <summary>Every knob of a training run; the CLI maps one flag to each (section 5's values are the defaults).</summary>
public sealed record TrainOptions
{
    /// <summary>paper or small.</summary>
    public string Preset { get; init; } = "small";
    /// <summary>
    /// Side of the crops the network sees, instead of the preset's (28 for small, 227 for paper). Without
    /// <see cref="ResizeSize"/> the resize side follows it at the preset's ratio (the paper's 256:227).
    /// </summary>
    public int? CropSize { get; init; }
    /// <summary>Side images are resized to before cropping, instead of the preset's (32 for small, 256 for paper).</summary>
    public int? ResizeSize { get; init; }
    /// <summary>Zero pixels around the resized image before crops are cut, instead of the preset's (0).</summary>
    public int? CropPadding { get; init; }
    /// <summary>Dataset folder: IDX files (Fashion-MNIST layout) or an ImageNet-style train/val tree.</summary>
    public string Data { get; init; } = "data/fashion-mnist";
    /// <summary>Run folder for checkpoints, metrics.csv, curves and the exported model.</summary>
    public string RunDir { get; init; } = "runs/latest";
    /// <summary>Epochs (90 for the paper preset).</summary>
    public int Epochs { get; init; } = 90;
    /// <summary>Mini-batch size (128).</summary>
    public int BatchSize { get; init; } = 128;
    /// <summary>Initial learning rate ε (0.01).</summary>
    public double LearningRate { get; init; } = 0.01;
    /// <summary>Momentum μ (0.9).</summary>
    public double Momentum { get; init; } = 0.9;
    /// <summary>Weight decay λ (0.0005).</summary>
    public double WeightDecay { get; init; } = 0.0005;
    /// <summary>Epochs without validation improvement before the rate is divided by 10.</summary>
    public int Patience { get; init; } = 2;
    /// <summary>How many times the rate may drop (3).</summary>
    public int MaxLearningRateDrops { get; init; } = 3;
    /// <summary>
    /// Epochs after which the rate is divided by 10 whatever the validation error does (PyTorch's <c>MultiStepLR</c>
    /// milestones), in place of the plateau rule; empty keeps the plateau rule. A schedule fixed in advance then runs
    /// in one command instead of a stop and a <see cref="ResumeLearningRate"/> per drop.
    /// </summary>
    public IReadOnlyList<int> LearningRateSteps { get; init; } = [];
    /// <summary>
    /// Anneal ε along a half cosine from <see cref="LearningRate"/> to 0 over this many epochs (PyTorch's
    /// <c>CosineAnnealingLR</c> with <c>T_max</c> = this, stepped once per epoch), in place of the plateau rule and
    /// <see cref="LearningRateSteps"/>; null keeps them. Stored with the run, so a resume with more epochs keeps the curve.
    /// </summary>
    public int? CosineEpochs { get; init; }
    /// <summary>
    /// Label smoothing of the cross-entropy loss (Szegedy et al. 2016; not in the paper): the target puts 1 − s on the
    /// true class and s spread evenly over all classes, as PyTorch's <c>CrossEntropyLoss(label_smoothing=s)</c>. 0 keeps
    /// the paper's loss.
    /// </summary>
    public double LabelSmoothing { get; init; }
    /// <summary>Seed for weights, shuffling, crops, PCA colour and dropout.</summary>
    public int Seed { get; init; } = 1;
    /// <summary>Weight initialisation. Kaiming by default: the paper's N(0, 0.01) left the small net at chance here (docs/BENCHMARKS.md, "Initialisation").</summary>
    public InitScheme Init { get; init; } = InitScheme.Kaiming;
    /// <summary>
    /// The value one 8-bit level maps to before the network. Null follows the init: the paper's N(0, 0.01) init
    /// assumes its raw 0–255 pixels (1), Kaiming init assumes unit-scale inputs (1/255).
    /// </summary>
    public double? PixelScale { get; init; }
    /// <summary>The pixel scale in force.</summary>
    public double EffectivePixelScale => PixelScale ?? (Init == InitScheme.Paper ? 1.0 : 1.0 / 255);
    /// <summary>Non-linearity.</summary>
    public Activation Activation { get; init; } = Activation.Relu;
    /// <summary>Local response normalisation after conv1 and conv2.</summary>
    public bool Lrn { get; init; } = true;
    /// <summary>
    /// LRN's α as the paper writes it (1e-4), chosen for raw 0–255 pixels. With inputs scaled to 0–1 the activations are
    /// far smaller and α Σa² vanishes next to k = 2, so LRN becomes a constant scale (docs/PAPER.md); α ÷ pixel scale²
    /// gives it back its strength.
    /// </summary>
    public double LrnAlpha { get; init; } = new LrnSettings().Alpha;
    /// <summary>Batch normalisation after every conv layer (not in the paper; folded into the convs on export).</summary>
    public bool BatchNorm { get; init; }
    /// <summary>Overlapping 3/2 pooling (true) or 2/2 (false).</summary>
    public bool OverlappingPooling { get; init; } = true;
    /// <summary>One tower with half the kernels instead of two.</summary>
    public bool OneTower { get; init; }
    /// <summary>Multiplies every layer's kernels and units (fc8 excepted); 1 keeps the preset's sizes.</summary>
    public double Width { get; init; } = 1;
    /// <summary>Dropout probability on fc6 and fc7.</summary>
    public double Dropout { get; init; } = 0.5;
    /// <summary>PCA colour augmentation (3-channel data only).</summary>
    public bool PcaLighting { get; init; } = true;
    /// <summary>Random crops and flips while training (off gives centre crops).</summary>
    public bool Augment { get; init; } = true;
    /// <summary>
    /// Probability that a training crop gets a rectangle set to the mean (random erasing, Zhong et al. 2017); 0, the
    /// default, keeps the paper's augmentations only.
    /// </summary>
    public double RandomErasing { get; init; }
    /// <summary>Use at most this many training images (a subset, for quick runs).</summary>
    public int? TrainLimit { get; init; }
    /// <summary>Use at most this many validation/test images.</summary>
    public int? ValLimit { get; init; }
    /// <summary>Stop after this many optimisation steps in total (tests, smoke runs).</summary>
    public long? MaxSteps { get; init; }
    /// <summary>Devices: "cpu", "cuda", or one per tower such as "cuda:0,cuda:1".</summary>
    public string Devices { get; init; } = "cpu";
    /// <summary>TorchSharp intra-op threads; 0 keeps libtorch's default.</summary>
    public int Threads { get; init; }
    /// <summary>Data-loading worker threads.</summary>
    public int Workers { get; init; } = 2;
    /// <summary>
    /// With <see cref="Resume"/>: continue at this learning rate instead of the stored one, as the paper's authors divided
    /// it by hand (section 5). A lower rate counts as one of the <see cref="MaxLearningRateDrops"/>; the plateau count restarts.
    /// </summary>
    public double? ResumeLearningRate { get; init; }
    /// <summary>Continue from the run folder's checkpoint.</summary>
    public bool Resume { get; init; }
    /// <summary>Evaluate with ten crops after the last epoch (the paper's test-time averaging).</summary>
    public bool TenCropAtEnd { get; init; } = true;
    /// <summary>Export model.onnx into the run folder when training ends.</summary>
    public bool Export { get; init; } = true;
    /// <summary>
    /// Record the training loss and error every this many steps (steps.csv, and the curve drawn per step), as
    /// torchvision's reference scripts print every <c>--print-freq</c> steps; validation stays once per epoch.
    /// </summary>
    public int LogEvery { get; init; } = 10;
    /// <summary>Progress output; null is silent.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public TextWriter? Log { get; init; }

    /// <summary>
    /// The options a run resumed with these options continues under: the stored run's, except the epoch and step limits,
    /// the log, the logging interval and the run folder, which this invocation sets.
    /// </summary>
    /// <param name="stored">The options saved in the run's checkpoint.</param>
    public TrainOptions ResumedFrom(TrainOptions stored) =>
        stored with { Epochs = Epochs, MaxSteps = MaxSteps, Log = Log, RunDir = RunDir, Resume = true, LogEvery = LogEvery };

    /// <summary>The learning rate of a 0-based epoch under <see cref="CosineEpochs"/>: ε·(1 + cos(π·epoch/T))/2, 0 from epoch T on.</summary>
    /// <param name="epoch">0-based epoch.</param>
    public double CosineLearningRate(int epoch) =>
        CosineEpochs is not { } t ? throw new InvalidOperationException("No cosine schedule in these options.")
        : epoch >= t ? 0 : LearningRate * (1 + Math.Cos(Math.PI * epoch / t)) / 2;

    /// <summary>The architecture these options describe for a dataset.</summary>
    /// <param name="numClasses">Classes in the data.</param>
    /// <param name="channels">Image channels in the data.</param>
    public AlexNetArchitecture Architecture(int numClasses, int channels)
    {
        var a = AlexNetArchitecture.FromPreset(Preset, numClasses, channels) with
        {
            Activation = Activation,
            Lrn = Lrn ? new LrnSettings(Alpha: LrnAlpha) : null,
            Dropout = Dropout,
            BatchNorm = BatchNorm,
        };
        if (CropSize is { } crop)
            a = a with { InputSize = crop, ResizeSize = AlexNetArchitecture.PaperResizeSize(crop) };
        a = a with { ResizeSize = ResizeSize ?? a.ResizeSize, CropPadding = CropPadding ?? a.CropPadding };
        if (a.CropPadding < 0 || a.InputSize > a.PaddedSize)
            throw new ArgumentException($"The {a.InputSize}-px crops do not fit a {a.ResizeSize}-px image with {a.CropPadding} px of padding on each side.");
        a = a.Widened(Width);
        if (!OverlappingPooling) a = a with { PoolKernel = 2, PoolStride = 2 };
        if (OneTower) a = a.AsOneTower();
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
