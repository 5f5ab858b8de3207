using AlexNet.Onnx.Export;
using AlexNet.Onnx.Metadata;
using AlexNet.Onnx.Model;

namespace AlexNet.MLNet.Tests.Support;

/// <summary>
/// `small` AlexNets with seeded random weights, written once per test run: a 4-class RGB net for the photos
/// (28-pixel crops of a 32-pixel image) and a 10-class gray net shaped for Fashion-MNIST. Both carry a real
/// per-pixel mean image, so the mean subtraction is exercised.
/// </summary>
internal static class TestModels
{
    private static readonly TempFolder Folder = new();
    private static readonly Lazy<string> RgbPath = new(() => Write("rgb.onnx", AlexNetArchitecture.Small(numClasses: 4, inputChannels: 3), ["astronaut", "cat", "coffee", "rocket"], seed: 7));
    private static readonly Lazy<string> GrayPath = new(() => Write("gray.onnx", AlexNetArchitecture.Small(numClasses: 10, inputChannels: 1),
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"], seed: 11));

    /// <summary>4 classes, 3 channels, R = 32, S = 28.</summary>
    public static string Rgb => RgbPath.Value;

    /// <summary>10 classes, 1 channel, R = 32, S = 28.</summary>
    public static string Gray => GrayPath.Value;

    public static void DeleteAll() => Folder.Dispose();

    /// <summary>Weights drawn uniformly with a fan-in scale, so activations stay O(1) and the softmax is not one-hot.</summary>
    public static AlexNetWeights RandomWeights(AlexNetArchitecture architecture, int seed)
    {
        var random = new Random(seed);
        var weights = new AlexNetWeights();
        foreach (var (name, shape) in AlexNetWeights.ExpectedShapes(architecture))
        {
            var data = new float[shape.Aggregate(1, (a, d) => a * d)];
            bool bias = name.EndsWith(".bias", StringComparison.Ordinal);
            float bound = bias ? 0.1f : MathF.Sqrt(6f / shape.Skip(1).Aggregate(1, (a, d) => a * d));
            // Raw 0–255 pixels minus the mean are large; scale conv1 down so fc8 logits stay moderate.
            if (name == "conv1.weight") bound /= 60f;
            for (int i = 0; i < data.Length; i++) data[i] = (random.NextSingle() * 2 - 1) * bound;
            weights[name] = new WeightTensor(shape, data);
        }
        return weights;
    }

    /// <summary>A smooth mean image around mid-gray that differs per channel and position.</summary>
    public static PixelMean MeanImage(int channels, int side)
    {
        var values = new float[channels * side * side];
        for (int c = 0; c < channels; c++)
            for (int y = 0; y < side; y++)
                for (int x = 0; x < side; x++)
                    values[(c * side + y) * side + x] = 110f + 10f * c + 0.5f * y - 0.25f * x;
        return PixelMean.Image(channels, side, values);
    }

    private static string Write(string name, AlexNetArchitecture architecture, string[] labels, int seed)
    {
        var path = Folder.File(name);
        var metadata = ModelMetadata.ForArchitecture(architecture, labels, MeanImage(architecture.InputChannels, architecture.ResizeSize));
        AlexNetOnnxWriter.Write(path, architecture, RandomWeights(architecture, seed), metadata);
        return path;
    }
}

[TestClass]
public static class TestModelsCleanup
{
    [AssemblyCleanup]
    public static void DeleteModels() => TestModels.DeleteAll();
}
