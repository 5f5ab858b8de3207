using AlexNet.Bench.Harness;
using AlexNet.Onnx;
using AlexNet.Onnx.Export;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace AlexNet.Bench.Inference;

/// <summary>
/// The peer of (c): a plain <c>new InferenceSession(path)</c> and <c>Run</c> on a ready-made tensor of preprocessed
/// crops, as a user calling ONNX Runtime directly would write it. With <c>cropsPerImage</c> 10 the batch is one
/// image's ten crops: the bound for the ML.NET ten-crop route.
/// </summary>
public sealed class BareOnnxRuntime : BenchCase
{
    private readonly InferenceSession _session;
    private readonly NamedOnnxValue[] _inputs;
    private readonly int _batch, _cropsPerImage;
    private readonly string _key;
    private readonly string? _description;

    /// <summary>Creates the session and the input tensor.</summary>
    /// <param name="key">Case key.</param>
    /// <param name="model">The opened model.</param>
    /// <param name="crops">Batch × crop floats, ready.</param>
    /// <param name="cropsPerImage">1, or 10 for one image's ten crops.</param>
    /// <param name="description">The row's text, when not the default one.</param>
    public BareOnnxRuntime(string key, ModelFile model, float[] crops, int cropsPerImage = 1, string? description = null)
    {
        _key = key;
        _description = description;
        _batch = crops.Length / model.CropLength;
        _cropsPerImage = cropsPerImage;
        _session = new InferenceSession(model.Path);
        var tensor = new DenseTensor<float>(crops, [_batch, model.InputChannels, model.InputSize, model.InputSize]);
        _inputs = [NamedOnnxValue.CreateFromTensor(AlexNetOnnxNames.Input, tensor)];
    }

    /// <inheritdoc/>
    public override string Key => _key;
    /// <inheritdoc/>
    public override string Description => _description ?? (_cropsPerImage == 10
        ? "ONNX Runtime alone, one image's 10 ready crops as a batch (bound for (a))"
        : $"ONNX Runtime alone, InferenceSession.Run, batch {_batch}, ready tensor (peer of (c))");
    /// <inheritdoc/>
    public override int CropsPerImage => _cropsPerImage;

    /// <inheritdoc/>
    protected override double Step()
    {
        using var results = _session.Run(_inputs);
        return (double)_batch / _cropsPerImage;
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        _session.Dispose();
        base.Dispose();
    }
}
