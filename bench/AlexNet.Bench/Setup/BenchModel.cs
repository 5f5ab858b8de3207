using AlexNet.Onnx.Export;
using AlexNet.Onnx.Model;
using AlexNet.Training.Data;
using AlexNet.Training.Export;
using AlexNet.Training.Model;
using static TorchSharp.torch;

namespace AlexNet.Bench.Setup;

/// <summary>
/// The model every inference case runs: a TorchSharp <see cref="AlexNetModel"/> with seeded Kaiming weights, exported
/// once through <see cref="ModelExport"/> to a temporary model.onnx, so ONNX Runtime, ML.NET and TorchSharp all run
/// the same weights. Random weights are enough for speed.
/// </summary>
public sealed class BenchModel : IDisposable
{
    /// <summary>The preset name.</summary>
    public string Preset { get; }
    /// <summary>The architecture.</summary>
    public AlexNetArchitecture Architecture { get; }
    /// <summary>The TorchSharp network, in eval mode.</summary>
    public AlexNetModel Network { get; }
    /// <summary>The exported file.</summary>
    public string OnnxPath { get; }
    /// <summary>The same weights written with ONNX's LRN operator (the export before the band-convolution form).</summary>
    public string LrnOperatorOnnxPath => Path.ChangeExtension(OnnxPath, ".lrn-operator.onnx");
    /// <summary>The mean image (0–255) stored in the file.</summary>
    public MeanImage Mean { get; }
    /// <summary>Pixel scale stored in the file.</summary>
    public double PixelScale => 1.0 / 255;

    private BenchModel(string preset, AlexNetArchitecture architecture, AlexNetModel network, MeanImage mean, string onnxPath)
    {
        Preset = preset;
        Architecture = architecture;
        Network = network;
        Mean = mean;
        OnnxPath = onnxPath;
    }

    /// <summary>Builds and exports the preset's model.</summary>
    /// <param name="preset">"small" (Fashion-MNIST: 1 channel, 10 classes) or "paper" (3 channels, 1000 classes).</param>
    /// <param name="folder">Where model.onnx goes.</param>
    /// <param name="mean">The mean image; a flat mid-gray one when null.</param>
    public static BenchModel Create(string preset, string folder, MeanImage? mean = null)
    {
        var arch = preset == "paper" ? AlexNetArchitecture.Paper(1000, 3) : AlexNetArchitecture.Small(10, 1);
        manual_seed(1);
        var network = new AlexNetModel(arch, InitScheme.Kaiming);
        network.eval();
        mean ??= new MeanImage(arch.InputChannels, arch.ResizeSize,
            Enumerable.Repeat(120f, arch.InputChannels * arch.ResizeSize * arch.ResizeSize).ToArray());
        var labels = preset == "paper" ? Enumerable.Range(0, 1000).Select(i => $"class{i}").ToArray() : FashionMnist.ClassNames.ToArray();
        var path = Path.Combine(folder, $"{preset}.onnx");
        var model = new BenchModel(preset, arch, network, mean, path);
        ModelExport.Write(network, mean, model.PixelScale, labels, path);
        ModelExport.Write(network, mean, model.PixelScale, labels, model.LrnOperatorOnnxPath, lrnExport: LrnExport.OnnxOperator);
        return model;
    }

    /// <inheritdoc/>
    public void Dispose() => Network.Dispose();
}
