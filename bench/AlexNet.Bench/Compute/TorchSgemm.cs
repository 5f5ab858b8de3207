using AlexNet.Bench.Harness;
using static TorchSharp.torch;

namespace AlexNet.Bench.Compute;

/// <summary>Single-precision matrix product of two n×n matrices with TorchSharp (libtorch's BLAS), in GFLOP/s.</summary>
public sealed class TorchSgemm : BenchCase
{
    private readonly Tensor _a, _b;
    private readonly int _n;

    /// <summary>Allocates two random n×n matrices.</summary>
    /// <param name="n">Side (2048).</param>
    public TorchSgemm(int n = 2048)
    {
        _n = n;
        _a = randn(n, n);
        _b = randn(n, n);
    }

    /// <inheritdoc/>
    public override string Key => "sgemm.torch";
    /// <inheritdoc/>
    public override string Description => $"sgemm {_n}², TorchSharp matmul";
    /// <inheritdoc/>
    public override string Unit => "GFLOP/s";

    /// <inheritdoc/>
    protected override double Step()
    {
        using var c = _a.matmul(_b);
        return 2.0 * _n * _n * _n / 1e9;
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        _a.Dispose();
        _b.Dispose();
        base.Dispose();
    }
}
