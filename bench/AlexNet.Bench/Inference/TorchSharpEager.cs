using AlexNet.Bench.Harness;
using AlexNet.Training.Model;
using static TorchSharp.torch;

namespace AlexNet.Bench.Inference;

/// <summary>(d) TorchSharp eager inference of the same weights: <see cref="AlexNetModel"/> in eval mode under no_grad, softmax copied out.</summary>
public sealed class TorchSharpEager : BenchCase
{
    private readonly AlexNetModel _network;
    private readonly Tensor _input;
    private readonly int _batch;

    /// <summary>Wraps the model and the ready crops.</summary>
    /// <param name="network">The network the ONNX file was exported from.</param>
    /// <param name="crops">Batch × crop floats, the same as ONNX Runtime's.</param>
    public TorchSharpEager(AlexNetModel network, float[] crops)
    {
        _network = network;
        var a = network.Architecture;
        _batch = crops.Length / (a.InputChannels * a.InputSize * a.InputSize);
        _input = tensor(crops, [_batch, a.InputChannels, a.InputSize, a.InputSize]);
    }

    /// <inheritdoc/>
    public override string Key => "infer.d";
    /// <inheritdoc/>
    public override string Description => $"(d) TorchSharp eager, same weights, batch {_batch}, ready tensor";

    /// <inheritdoc/>
    protected override double Step()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        _network.eval();
        var probabilities = _network.forward(_input).softmax(1).data<float>().ToArray();
        return probabilities.Length > 0 ? _batch : 0;
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        _input.Dispose();
        base.Dispose();
    }
}
