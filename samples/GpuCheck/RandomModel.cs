using AlexNet.Onnx.Export;
using AlexNet.Onnx.Metadata;
using AlexNet.Onnx.Model;

namespace AlexNet.Samples.GpuCheck;

/// <summary>Writes an AlexNet with seeded random weights, for a check without a trained model.</summary>
internal static class RandomModel
{

    /// <summary>Writes the model and returns its path.</summary>
    /// <param name="folder">Destination folder.</param>
    /// <param name="preset">paper (227 crops, 1000 classes, 61 M parameters) or small (28 crops, 10 classes).</param>
    public static string Write(string folder, string preset)
    {
        var architecture = preset == "paper" ? AlexNetArchitecture.Paper(1000, 3) : AlexNetArchitecture.Small(10, 3);
        var labels = Enumerable.Range(0, architecture.NumClasses).Select(i => $"class{i}").ToArray();
        var mean = PixelMean.PerChannel(124f, 116f, 104f);
        var path = Path.Combine(folder, $"random-{preset}.onnx");
        AlexNetOnnxWriter.Write(path, architecture, Weights(architecture, seed: 1), ModelMetadata.ForArchitecture(architecture, labels, mean));
        return path;
    }
    private static AlexNetWeights Weights(AlexNetArchitecture architecture, int seed) =>
        AlexNetWeights.RandomUniform(architecture, seed, conv1Scale: 1f / 60); // raw 0–255 pixels
}
