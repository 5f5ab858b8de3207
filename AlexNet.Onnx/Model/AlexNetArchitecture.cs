namespace AlexNet.Onnx.Model;

/// <summary>Non-linearity used after every convolutional and hidden fully-connected layer.</summary>
public enum Activation
{
    /// <summary>Rectified linear units, the paper's choice (section 3.1).</summary>
    Relu,
    /// <summary>The saturating tanh the paper compares against (Figure 1).</summary>
    Tanh,
}

/// <summary>One convolutional layer of AlexNet.</summary>
/// <param name="Name">Layer name from the paper: conv1 … conv5.</param>
/// <param name="OutChannelsPerTower">Kernels in each tower (48 for the paper's conv1).</param>
/// <param name="Kernel">Square kernel size.</param>
/// <param name="Stride">Stride.</param>
/// <param name="Padding">Zero padding on each side.</param>
/// <param name="ReadsBothTowers">True where the paper lets the GPUs talk (conv3); false where a tower
/// only sees its own previous layer (conv2, conv4, conv5). conv1 reads the image in every tower.</param>
/// <param name="LocalResponseNorm">Whether LRN follows the activation (conv1, conv2).</param>
/// <param name="MaxPool">Whether max-pooling follows (conv1, conv2, conv5).</param>
public sealed record ConvLayer(string Name, int OutChannelsPerTower, int Kernel, int Stride, int Padding,
    bool ReadsBothTowers, bool LocalResponseNorm, bool MaxPool);

/// <summary>
/// Local response normalisation with the paper's constants (section 3.3):
/// b = a / (k + α Σ a²)^β over <see cref="Size"/> adjacent channels of one tower.
/// </summary>
/// <param name="Size">n, the number of adjacent channels summed.</param>
/// <param name="Alpha">α as the paper writes it (1e-4). PyTorch, TorchSharp and ONNX divide their α by n.</param>
/// <param name="Beta">β.</param>
/// <param name="K">k.</param>
public sealed record LrnSettings(int Size = 5, double Alpha = 1e-4, double Beta = 0.75, double K = 2.0)
{
    /// <summary>α in the convention of PyTorch, TorchSharp and ONNX (α·n), e.g. 5e-4 for the paper's 1e-4.</summary>
    public double FrameworkAlpha => Alpha * Size;
}

/// <summary>Where dropout acts in the fully-connected layers.</summary>
public enum DropoutPlacement
{
    /// <summary>On the outputs of fc6 and fc7 (section 4.2: "the neurons in the first two fully-connected layers").</summary>
    AfterFc6AndFc7,
    /// <summary>On the inputs of fc6 and fc7, as torchvision's AlexNet orders its classifier (Dropout, Linear, ReLU, …).</summary>
    BeforeFc6AndFc7,
}

/// <summary>
/// Fixed per-channel input statistics on the 0–1 scale, used instead of the training set's mean image: the network
/// reads (level / 255 − <see cref="Mean"/>) / <see cref="Std"/>. Weights trained elsewhere on ImageNet expect the
/// statistics they were trained with, whatever images a fine-tuning run brings.
/// </summary>
/// <param name="Mean">Mean per channel, 0–1 scale, in the model's channel order.</param>
/// <param name="Std">Standard deviation per channel, 0–1 scale.</param>
public sealed record ChannelStatistics(IReadOnlyList<float> Mean, IReadOnlyList<float> Std)
{
    /// <summary>The ImageNet RGB statistics torchvision's pretrained models were trained with.</summary>
    public static ChannelStatistics ImageNet { get; } = new([0.485f, 0.456f, 0.406f], [0.229f, 0.224f, 0.225f]);

    /// <summary>Same values, same statistics.</summary>
    /// <param name="other">The other statistics.</param>
    public bool Equals(ChannelStatistics? other) => other is not null && Mean.SequenceEqual(other.Mean) && Std.SequenceEqual(other.Std);
    /// <inheritdoc/>
    public override int GetHashCode() => Mean.Concat(Std).Aggregate(17, (h, v) => h * 31 + v.GetHashCode());
}

/// <summary>
/// The shape of an AlexNet: every layer's size, the tower split, and the ablation switches. Training
/// builds its TorchSharp model from this, and the ONNX writer builds the graph from the same record,
/// so both sides always agree.
/// </summary>
public sealed record AlexNetArchitecture
{
    /// <summary>Preset name (paper, small, torchvision) or a user label.</summary>
    public required string Preset { get; init; }
    /// <summary>Image channels: 3 for RGB, 1 for grayscale data such as Fashion-MNIST.</summary>
    public required int InputChannels { get; init; }
    /// <summary>Number of classes (fc8 outputs).</summary>
    public required int NumClasses { get; init; }
    /// <summary>Side of the square crop the network reads (227 in the paper).</summary>
    public required int InputSize { get; init; }
    /// <summary>Side the image is resized and centre-cropped to before cropping (256 in the paper).</summary>
    public required int ResizeSize { get; init; }
    /// <summary>
    /// Zero pixels added on each side of the mean-subtracted R×R image before the S×S crops are cut, as torchvision's
    /// <c>RandomCrop(size, padding)</c> does: crops then shift without losing the image's edges, and with R = S the
    /// centre crop is the whole image. 0 in the paper, which cut its crops from inside the 256×256 image.
    /// </summary>
    public int CropPadding { get; init; }
    /// <summary>Side the crops are cut from: R + 2 × <see cref="CropPadding"/>.</summary>
    public int PaddedSize => ResizeSize + 2 * CropPadding;
    /// <summary>1 or 2 towers (two GPUs in the paper).</summary>
    public int Towers { get; init; } = 2;
    /// <summary>conv1 … conv5.</summary>
    public required IReadOnlyList<ConvLayer> Convs { get; init; }
    /// <summary>Units per tower in fc6 and fc7.</summary>
    public required IReadOnlyList<int> FullyConnectedPerTower { get; init; }
    /// <summary>Activation after each hidden layer.</summary>
    public Activation Activation { get; init; } = Activation.Relu;
    /// <summary>LRN settings; null turns LRN off everywhere.</summary>
    public LrnSettings? Lrn { get; init; } = new();
    /// <summary>Max-pool window (3 overlapping in the paper, 2 for the non-overlapping ablation).</summary>
    public int PoolKernel { get; init; } = 3;
    /// <summary>Max-pool stride (2).</summary>
    public int PoolStride { get; init; } = 2;
    /// <summary>Dropout probability in the fully-connected layers during training (0.5 in the paper).</summary>
    public double Dropout { get; init; } = 0.5;
    /// <summary>Where dropout acts: the paper's outputs of fc6 and fc7, or torchvision's inputs of fc6 and fc7.</summary>
    public DropoutPlacement DropoutPlacement { get; init; } = DropoutPlacement.AfterFc6AndFc7;
    /// <summary>
    /// When set, conv5's pooled maps are averaged down (or up) to this side before fc6, as torchvision's
    /// <c>AdaptiveAvgPool2d((6, 6))</c> does, so fc6 keeps its size whatever the crop; null in the paper, where fc6
    /// reads the pooled maps as they are. At the torchvision preset's 224-px crops the maps are already 6×6.
    /// </summary>
    public int? AveragePoolTo { get; init; }
    /// <summary>Fixed per-channel input statistics instead of the training set's mean image; null in the paper.</summary>
    public ChannelStatistics? ChannelStatistics { get; init; }
    /// <summary>
    /// Batch normalisation (Ioffe &amp; Szegedy 2015) between every conv layer and its activation, per tower. Not in the
    /// paper, which predates it; off in both presets. Training only: the export folds each layer's running statistics,
    /// scale and shift into that conv's weights and bias, so the ONNX graph is the same either way.
    /// </summary>
    public bool BatchNorm { get; init; }

    /// <summary>The paper's network: 227×227×3 input, 60,965,224 parameters for 1000 classes.</summary>
    /// <param name="numClasses">Number of classes.</param>
    /// <param name="inputChannels">Image channels.</param>
    public static AlexNetArchitecture Paper(int numClasses = 1000, int inputChannels = 3) => new()
    {
        Preset = "paper",
        InputChannels = inputChannels,
        NumClasses = numClasses,
        InputSize = 227,
        ResizeSize = 256,
        Convs =
        [
            new("conv1", 48, 11, 4, 0, ReadsBothTowers: false, LocalResponseNorm: true, MaxPool: true),
            new("conv2", 128, 5, 1, 2, ReadsBothTowers: false, LocalResponseNorm: true, MaxPool: true),
            new("conv3", 192, 3, 1, 1, ReadsBothTowers: true, LocalResponseNorm: false, MaxPool: false),
            new("conv4", 192, 3, 1, 1, ReadsBothTowers: false, LocalResponseNorm: false, MaxPool: false),
            new("conv5", 128, 3, 1, 1, ReadsBothTowers: false, LocalResponseNorm: false, MaxPool: true),
        ],
        FullyConnectedPerTower = [2048, 2048],
    };

    /// <summary>The side images are resized to for crops of <paramref name="inputSize"/>: the paper's 256:227, rounded.</summary>
    /// <param name="inputSize">Crop side.</param>
    public static int PaperResizeSize(int inputSize) => (int)Math.Round(inputSize * 256.0 / 227.0);

    /// <summary>
    /// A scaled-down two-tower net with the paper's structure (5 conv + 3 FC, LRN, overlapping pooling,
    /// dropout) for 28–64 px images such as Fashion-MNIST: about 2.2 M parameters at 28 px.
    /// </summary>
    /// <param name="numClasses">Number of classes.</param>
    /// <param name="inputChannels">Image channels.</param>
    /// <param name="inputSize">Crop side; the resize side keeps the paper's 256:227 ratio.</param>
    public static AlexNetArchitecture Small(int numClasses = 10, int inputChannels = 1, int inputSize = 28) => new()
    {
        Preset = "small",
        InputChannels = inputChannels,
        NumClasses = numClasses,
        InputSize = inputSize,
        ResizeSize = PaperResizeSize(inputSize),
        Convs =
        [
            new("conv1", 32, 5, 1, 2, ReadsBothTowers: false, LocalResponseNorm: true, MaxPool: true),
            new("conv2", 64, 5, 1, 2, ReadsBothTowers: false, LocalResponseNorm: true, MaxPool: true),
            new("conv3", 96, 3, 1, 1, ReadsBothTowers: true, LocalResponseNorm: false, MaxPool: false),
            new("conv4", 96, 3, 1, 1, ReadsBothTowers: false, LocalResponseNorm: false, MaxPool: false),
            new("conv5", 64, 3, 1, 1, ReadsBothTowers: false, LocalResponseNorm: false, MaxPool: true),
        ],
        FullyConnectedPerTower = [512, 512],
    };

    /// <summary>
    /// torchvision's AlexNet (Krizhevsky 2014, "One weird trick for parallelizing convolutional neural networks"), so that
    /// its published ImageNet weights load unchanged: one tower of 64-192-384-256-256 kernels (11/5/3/3/3), no LRN,
    /// 3×3 stride-2 pooling, an average pool to 6×6, dropout before fc6 and fc7, 4096-unit fc6 and fc7, 224-px crops of
    /// 256-px images normalised with ImageNet's per-channel mean and std. 61,100,840 parameters for 1000 classes.
    /// </summary>
    /// <param name="numClasses">Number of classes.</param>
    /// <param name="inputChannels">Image channels: 3 (its statistics are RGB).</param>
    public static AlexNetArchitecture Torchvision(int numClasses = 1000, int inputChannels = 3)
    {
        if (inputChannels != 3)
            throw new ArgumentException($"The torchvision preset reads RGB images (3 channels), not {inputChannels}; its weights and statistics are for colour.", nameof(inputChannels));
        return new()
        {
            Preset = "torchvision",
            InputChannels = 3,
            NumClasses = numClasses,
            InputSize = 224,
            ResizeSize = 256,
            Towers = 1,
            Convs =
            [
                new("conv1", 64, 11, 4, 2, ReadsBothTowers: false, LocalResponseNorm: false, MaxPool: true),
                new("conv2", 192, 5, 1, 2, ReadsBothTowers: false, LocalResponseNorm: false, MaxPool: true),
                new("conv3", 384, 3, 1, 1, ReadsBothTowers: true, LocalResponseNorm: false, MaxPool: false),
                new("conv4", 256, 3, 1, 1, ReadsBothTowers: false, LocalResponseNorm: false, MaxPool: false),
                new("conv5", 256, 3, 1, 1, ReadsBothTowers: false, LocalResponseNorm: false, MaxPool: true),
            ],
            FullyConnectedPerTower = [4096, 4096],
            Lrn = null,
            DropoutPlacement = DropoutPlacement.BeforeFc6AndFc7,
            AveragePoolTo = 6,
            ChannelStatistics = ChannelStatistics.ImageNet,
        };
    }

    /// <summary>The preset names <see cref="FromPreset"/> knows.</summary>
    public static IReadOnlyList<string> PresetNames { get; } = ["paper", "small", "torchvision"];

    /// <summary>Builds a preset by name: "paper", "small" or "torchvision".</summary>
    /// <param name="preset">Preset name.</param>
    /// <param name="numClasses">Number of classes.</param>
    /// <param name="inputChannels">Image channels.</param>
    public static AlexNetArchitecture FromPreset(string preset, int numClasses, int inputChannels) =>
        preset.ToLowerInvariant() switch
        {
            "paper" => Paper(numClasses, inputChannels),
            "small" => Small(numClasses, inputChannels),
            "torchvision" => Torchvision(numClasses, inputChannels),
            _ => throw new ArgumentException($"Unknown preset '{preset}'. Use {string.Join(", ", PresetNames.Select(p => $"'{p}'"))}.", nameof(preset)),
        };

    /// <summary>
    /// The paper's one-GPU comparison (section 3.2 footnote): one tower with half the kernels in conv1–conv4,
    /// while conv5 and the fully-connected layers keep the two-tower net's full size.
    /// </summary>
    public AlexNetArchitecture AsOneTower() => Towers == 1 ? this : this with
    {
        Towers = 1,
        Convs = Convs.Select(c => c.Name == "conv5" ? c with { OutChannelsPerTower = c.OutChannelsPerTower * Towers } : c).ToArray(),
        FullyConnectedPerTower = FullyConnectedPerTower.Select(f => f * Towers).ToArray(),
    };

    /// <summary>
    /// The same net with every conv layer's kernels and every fully-connected layer's units (fc8's classes excepted)
    /// multiplied by <paramref name="factor"/> and rounded, as width multipliers do in later nets; the cost of a step
    /// grows about as the factor squared.
    /// </summary>
    /// <param name="factor">Width multiplier; 1 returns this architecture.</param>
    public AlexNetArchitecture Widened(double factor)
    {
        if (!(factor > 0) || double.IsInfinity(factor)) throw new ArgumentOutOfRangeException(nameof(factor), factor, "The width multiplier must be a positive number.");
        if (factor == 1) return this;
        int Scale(int n) => Math.Max(1, (int)Math.Round(n * factor));
        return this with
        {
            Convs = Convs.Select(c => c with { OutChannelsPerTower = Scale(c.OutChannelsPerTower) }).ToArray(),
            FullyConnectedPerTower = FullyConnectedPerTower.Select(Scale).ToArray(),
        };
    }

    /// <summary>Total kernels of a conv layer across towers.</summary>
    /// <param name="layer">Index 0–4.</param>
    public int ConvOutChannels(int layer) => Convs[layer].OutChannelsPerTower * Towers;

    /// <summary>Channels one tower's conv layer reads.</summary>
    /// <param name="layer">Index 0–4.</param>
    public int ConvInChannelsPerTower(int layer) =>
        layer == 0 ? InputChannels
        : Convs[layer].ReadsBothTowers ? ConvOutChannels(layer - 1)
        : Convs[layer - 1].OutChannelsPerTower;

    /// <summary>Grouping of the merged (both-tower) convolution: the tower count where towers stay apart, else 1.</summary>
    /// <param name="layer">Index 0–4.</param>
    public int ConvGroups(int layer) => layer == 0 || Convs[layer].ReadsBothTowers ? 1 : Towers;

    /// <summary>Spatial side after each conv layer's stage (after its pooling if it has one): 27, 13, 13, 13, 6 for the paper.</summary>
    public IReadOnlyList<int> StageSizes()
    {
        var sizes = new List<int>();
        int s = InputSize;
        foreach (var c in Convs)
        {
            s = (s + 2 * c.Padding - c.Kernel) / c.Stride + 1;
            if (s <= 0) throw new InvalidOperationException($"{c.Name} leaves no output at input {InputSize}.");
            if (c.MaxPool) s = (s - PoolKernel) / PoolStride + 1;
            if (s <= 0) throw new InvalidOperationException($"Pooling after {c.Name} leaves no output at input {InputSize}.");
            sizes.Add(s);
        }
        return sizes;
    }

    /// <summary>Side of the maps fc6 reads: <see cref="AveragePoolTo"/> when set, else conv5's pooled side.</summary>
    public int Fc6Side => AveragePoolTo ?? StageSizes()[^1];

    /// <summary>Inputs of fc6: conv5 channels × <see cref="Fc6Side"/>².</summary>
    public int Fc6Inputs => ConvOutChannels(4) * Fc6Side * Fc6Side;

    /// <summary>Units of fc7, the 4096-d feature vector of section 6.1 for the paper preset.</summary>
    public int FeatureSize => FullyConnectedPerTower[^1] * Towers;
}
