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

    private static readonly Lazy<string> RgbPaddedPath = new(() => Write("rgb-padded.onnx",
        AlexNetArchitecture.Small(numClasses: 4, inputChannels: 3) with { ResizeSize = 28, CropPadding = 2 }, ["astronaut", "cat", "coffee", "rocket"], seed: 7));

    /// <summary>4 classes, 3 channels, R = 32, S = 28.</summary>
    public static string Rgb => RgbPath.Value;

    /// <summary>4 classes, 3 channels, R = 28 padded by 2 on each side, S = 28.</summary>
    public static string RgbPadded => RgbPaddedPath.Value;

    /// <summary>10 classes, 1 channel, R = 32, S = 28.</summary>
    public static string Gray => GrayPath.Value;

    public static void DeleteAll() => Folder.Dispose();
    // Raw 0–255 pixels minus the mean are large; conv1 is scaled down so fc8 logits stay moderate.
    public static AlexNetWeights RandomWeights(AlexNetArchitecture architecture, int seed) =>
        AlexNetWeights.RandomUniform(architecture, seed, conv1Scale: 1f / 60);

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
