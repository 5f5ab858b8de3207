using AlexNet.Onnx.Model;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace AlexNet.Training.Model;

/// <summary>
/// Section 3.3's normalisation written out: b_i = a_i / (k + α Σ_{j=i−n/2}^{i+n/2} a_j²)^β over adjacent kernels of
/// one tower, the sum clipped at the tower's first and last kernel, so the window never reaches into the other tower's
/// kernels (they sat on the other GPU). Our own code rather than TorchSharp's nn.LocalResponseNorm, which leaves tensors
/// outside the dispose scope on every call and uses α/n.
/// The constants, and the 1 that scales an added tensor, are held as TorchSharp scalars for the module's life: a double
/// passed where a <see cref="Scalar"/> is expected (TorchSharp's own <c>add(tensor)</c> passes the literal 1) becomes a
/// temporary that nothing references once its handle is read, so the finalizer thread could free it while libtorch was
/// still reading it (<c>pow</c> and <c>add</c> then failed with "INTERNAL ASSERT FAILED at Scalar.h").
/// </summary>
/// <param name="settings">n, α (the paper's), β, k.</param>
public sealed class LocalResponseNorm(LrnSettings settings)
{
    /// <summary>The constants in use.</summary>
    public LrnSettings Settings { get; } = settings;

    private readonly Scalar alpha = settings.Alpha.ToScalar(), k = settings.K.ToScalar(), beta = settings.Beta.ToScalar(), one = 1.0.ToScalar();

    /// <summary>Normalises activations [N, towers × C, H, W] (tower 0's kernels first), each tower's kernels on their own.</summary>
    /// <param name="a">The activations.</param>
    /// <param name="towers">How many towers' kernels lie side by side in the channels.</param>
    public Tensor Apply(Tensor a, int towers = 1) =>
        towers == 1 ? Normalise(a) : cat([.. a.chunk(towers, 1).Select(Normalise)], 1);

    // One tower's kernels: the window sums a², zero-padded at both ends of the channels. (Four-dimensional on purpose: the
    // same window over a [N, towers, C, H, W] view made a small-preset training step 15 % slower.)
    private Tensor Normalise(Tensor a)
    {
        int n = Settings.Size, before = n / 2, after = (n - 1) / 2;
        using var squares = a.mul(a); // not square(): TorchSharp runs it as pow(2) with a temporary Scalar
        using var padded = F.pad(squares, [0, 0, 0, 0, before, after]);
        long channels = a.shape[1];
        var sum = padded.narrow(1, 0, channels);
        for (int d = 1; d < n; d++) sum = sum.add(padded.narrow(1, d, channels), one);
        return a.div(sum.mul(alpha).add(k, one).pow(beta));
    }
}
