using AlexNet.Onnx.Export;
using AlexNet.Onnx.Metadata;
using AlexNet.Onnx.Model;

namespace AlexNet.Reliability.Tests.Support;

/// <summary>A `small` 4-class RGB AlexNet (28-pixel crops of 32-pixel images) with seeded random weights, written once per run.</summary>
internal static class TestModels
{
    public static readonly string[] Labels = ["astronaut", "cat", "coffee", "rocket"];

    private static readonly TempFolder Folder = new();
    private static readonly Lazy<string> RgbPath = new(() =>
    {
        var architecture = AlexNetArchitecture.Small(numClasses: Labels.Length, inputChannels: 3);
        var path = Folder.File("rgb.onnx");
        var mean = new float[3 * 32 * 32];
        for (int i = 0; i < mean.Length; i++) mean[i] = 100f + (i % 97);
        var metadata = ModelMetadata.ForArchitecture(architecture, Labels, PixelMean.Image(3, 32, mean));
        AlexNetOnnxWriter.Write(path, architecture, RandomWeights(architecture, seed: 5), metadata);
        return path;
    });

    public static string Rgb => RgbPath.Value;

    public static void Delete() => Folder.Dispose();

    private static AlexNetWeights RandomWeights(AlexNetArchitecture architecture, int seed) =>
        AlexNetWeights.RandomUniform(architecture, seed, conv1Scale: 1f / 60); // raw 0–255 pixels
}
