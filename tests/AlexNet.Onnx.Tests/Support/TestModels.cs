using AlexNet.Onnx.Export;
using AlexNet.Onnx.Metadata;
using AlexNet.Onnx.Model;

namespace AlexNet.Onnx.Tests.Support;

/// <summary>Architectures, seeded random weights and inputs for writing real model files in tests.</summary>
internal static class TestModels
{
    public static AlexNetWeights RandomWeights(AlexNetArchitecture architecture, int seed) => AlexNetWeights.RandomUniform(architecture, seed);

    /// <summary>Standard-normal-ish inputs (uniform ±1.7) for a batch of crops.</summary>
    public static float[] RandomCrops(int count, int cropLength, int seed)
    {
        var random = new Random(seed);
        var data = new float[count * cropLength];
        for (int i = 0; i < data.Length; i++) data[i] = (random.NextSingle() * 2 - 1) * 1.7f;
        return data;
    }

    public static string[] Labels(int count) => Enumerable.Range(0, count).Select(i => $"class-{i}").ToArray();

    public static ModelMetadata Metadata(AlexNetArchitecture architecture) =>
        ModelMetadata.ForArchitecture(architecture, Labels(architecture.NumClasses), PixelMean.Zero(architecture.InputChannels));

    /// <summary>Writes a model with random weights and returns its path.</summary>
    public static string Write(TempFolder folder, AlexNetArchitecture architecture, int seed = 1, string name = "model.onnx")
    {
        var path = folder.File(name);
        AlexNetOnnxWriter.Write(path, architecture, RandomWeights(architecture, seed), Metadata(architecture));
        return path;
    }
}
