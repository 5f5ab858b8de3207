using AlexNet.Onnx.Imaging;
namespace AlexNet.Training.Data;

/// <summary>What <see cref="BatchLoader"/> delivers and how it prefetches.</summary>
public sealed record BatchLoaderOptions
{
    /// <summary>Images per batch (128 in the paper).</summary>
    public required int BatchSize { get; init; }

    /// <summary>S, the side of the crop the network reads (227 for the paper preset).</summary>
    public required int CropSize { get; init; }

    /// <summary>Zero pixels added on each side of the mean-subtracted image before cropping (torchvision's RandomCrop padding).</summary>
    public int Padding { get; init; }

    /// <summary>Random crops + flips for training, centre or ten crops for evaluation.</summary>
    public CropMode Mode { get; init; } = CropMode.Random;

    /// <summary>The mean image subtracted before cropping; none when null.</summary>
    public MeanImage? Mean { get; init; }

    /// <summary>PCA colour augmentation, applied in <see cref="CropMode.Random"/> mode to 3-channel data only; none when null.</summary>
    public PcaLighting? Pca { get; init; }

    /// <summary>Probability of <see cref="Data.RandomErasing"/> per training crop (<see cref="CropMode.Random"/> mode only); 0 is off.</summary>
    public double RandomErasing { get; init; }

    /// <summary>Seed of the shuffles and of every image's augmentation.</summary>
    public long Seed { get; init; }

    /// <summary>Shuffle the indices each epoch (training); keep their order when false (evaluation).</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>Threads preparing batches in parallel.</summary>
    public int Workers { get; init; } = Environment.ProcessorCount;

    /// <summary>Batches prepared ahead of the consumer at most; memory stays bounded by about Prefetch + 1 batches.</summary>
    public int Prefetch { get; init; } = 4;
}
