using AlexNet.Onnx.Model;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace AlexNet.Training.Model;

/// <summary>
/// Section 3.3's normalisation written out: b_i = a_i / (k + α Σ_{j=i−n/2}^{i+n/2} a_j²)^β, the sum clipped at the
/// first and last channel. Our own module rather than TorchSharp's nn.LocalResponseNorm, which leaves tensors
/// outside the dispose scope on every call (4 per step in our net) and uses α/n.
/// </summary>
/// <param name="settings">n, α (the paper's), β, k.</param>
public sealed class LocalResponseNorm(LrnSettings settings) : nn.Module<Tensor, Tensor>("LocalResponseNorm")
{
    /// <summary>The constants in use.</summary>
    public LrnSettings Settings { get; } = settings;

    /// <summary>Normalises across channels of [N, C, H, W] activations.</summary>
    /// <param name="a">Activations of one tower.</param>
    public override Tensor forward(Tensor a)
    {
        int n = Settings.Size, before = n / 2, after = (n - 1) / 2;
        using var squares = a.square();
        using var padded = F.pad(squares, [0, 0, 0, 0, before, after]);
        long channels = a.shape[1];
        var sum = padded.narrow(1, 0, channels);
        for (int d = 1; d < n; d++) sum = sum.add(padded.narrow(1, d, channels));
        return a.div(sum.mul(Settings.Alpha).add(Settings.K).pow(Settings.Beta));
    }
}
