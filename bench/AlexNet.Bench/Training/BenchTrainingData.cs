using AlexNet.Bench.Setup;
using AlexNet.Onnx.Model;
using AlexNet.Training.Data;

namespace AlexNet.Bench.Training;

/// <summary>What the training cases read: Fashion-MNIST at 32 px for small, in-memory random 256-px RGB images for paper.</summary>
/// <param name="Dataset">Training images.</param>
/// <param name="Mean">Their mean image.</param>
/// <param name="Pca">PCA lighting (RGB only).</param>
/// <param name="Architecture">The network trained.</param>
public sealed record BenchTrainingData(IImageDataset Dataset, MeanImage Mean, PcaLighting? Pca, AlexNetArchitecture Architecture)
{
    /// <summary>Loads the data for a preset.</summary>
    /// <param name="preset">small or paper.</param>
    public static BenchTrainingData For(string preset)
    {
        if (preset == "paper")
        {
            var arch = AlexNetArchitecture.Paper(1000, 3);
            var images = new SyntheticImages(256, arch.ResizeSize);
            return new(images, MeanImage.Compute(images), PcaLighting.ImageNet, arch);
        }
        var small = AlexNetArchitecture.Small(10, 1);
        var train = FashionMnist.Train(Path.Combine(BenchImages.RepoRoot, "data", "fashion-mnist"), small.ResizeSize, 10_000);
        return new(train, MeanImage.Compute(train), null, small);
    }
}
