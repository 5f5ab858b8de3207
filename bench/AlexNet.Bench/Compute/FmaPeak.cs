using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using AlexNet.Bench.Harness;

namespace AlexNet.Bench.Compute;

/// <summary>
/// The CPU's peak single-precision rate: a loop of fused multiply-adds on registers only, in the widest vectors the
/// CPU has, on every logical processor at once, in GFLOP/s (an FMA is 2 FLOP a lane).
/// </summary>
/// <remarks>
/// This, not a library's sgemm, is the ceiling a network's images/s are divided by: the 2048² sgemm is one library's
/// kernel and the paper's training step ran above it. Nothing reads memory inside the loop, so the rate is the FMA
/// units' (ports × lanes × clock), at the clock the CPU really runs under load, which a VM's reported MHz is not.
/// Twelve independent accumulator chains cover the FMA latency (4–5 cycles) times the two FMA ports of current x86
/// cores and still fit the 16 vector registers of AVX2 with room for the two constants. Written here because no
/// library on NuGet measures it; the shape follows the usual peak-FLOPS microbenchmarks.
/// </remarks>
public sealed class FmaPeak : BenchCase
{
    private const int Chains = 12;
    private readonly long _iterations;
    private readonly int _threads;

    /// <summary>A measurement of <paramref name="iterations"/> loop turns per thread.</summary>
    /// <param name="iterations">Turns of the loop per thread and step: 100 million, ~0.25 s on a 2.7 GHz AVX-512 core.</param>
    public FmaPeak(long iterations = 100_000_000)
    {
        _iterations = iterations;
        _threads = Environment.ProcessorCount;
    }

    /// <summary>Lanes of the vectors the loop uses: 16 with AVX-512, 8 with AVX2 and FMA, 0 without hardware FMA.</summary>
    public static int Lanes => Avx512F.IsSupported && Vector512.IsHardwareAccelerated ? 16 : Fma.IsSupported ? 8 : 0;

    /// <inheritdoc/>
    public override string Key => "fma.peak";
    /// <inheritdoc/>
    public override string Description => $"CPU peak: FMA on registers, {(Lanes == 16 ? "AVX-512" : Lanes == 8 ? "AVX2" : "no FMA")}, {_threads} threads";
    /// <inheritdoc/>
    public override string Unit => "GFLOP/s";

    /// <inheritdoc/>
    protected override double Step()
    {
        if (Lanes == 0) throw new PlatformNotSupportedException("This CPU has no FMA instructions; the bench measures the peak with them.");
        var sums = new float[_threads];
        using var start = new Barrier(_threads);
        var workers = Enumerable.Range(0, _threads).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            sums[t] = Lanes == 16 ? Loop512(_iterations) : Loop256(_iterations);
        }) { IsBackground = true }).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());
        if (float.IsNaN(sums.Sum())) throw new InvalidOperationException("the FMA loop produced NaN");
        return 2.0 * Lanes * Chains * _iterations * _threads / 1e9;
    }

    // a ← a·m + c converges to c / (1 − m): no overflow and no denormals, whatever the iteration count. The sum is
    // returned so the JIT cannot drop the loop.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Loop512(long iterations)
    {
        var m = Vector512.Create(0.999f);
        var c = Vector512.Create(0.001f);
        Vector512<float> a0 = Vector512.Create(0.1f), a1 = Vector512.Create(0.2f), a2 = Vector512.Create(0.3f), a3 = Vector512.Create(0.4f),
            a4 = Vector512.Create(0.5f), a5 = Vector512.Create(0.6f), a6 = Vector512.Create(0.7f), a7 = Vector512.Create(0.8f),
            a8 = Vector512.Create(0.9f), a9 = Vector512.Create(1.0f), a10 = Vector512.Create(1.1f), a11 = Vector512.Create(1.2f);
        for (long i = 0; i < iterations; i++)
        {
            a0 = Avx512F.FusedMultiplyAdd(a0, m, c); a1 = Avx512F.FusedMultiplyAdd(a1, m, c);
            a2 = Avx512F.FusedMultiplyAdd(a2, m, c); a3 = Avx512F.FusedMultiplyAdd(a3, m, c);
            a4 = Avx512F.FusedMultiplyAdd(a4, m, c); a5 = Avx512F.FusedMultiplyAdd(a5, m, c);
            a6 = Avx512F.FusedMultiplyAdd(a6, m, c); a7 = Avx512F.FusedMultiplyAdd(a7, m, c);
            a8 = Avx512F.FusedMultiplyAdd(a8, m, c); a9 = Avx512F.FusedMultiplyAdd(a9, m, c);
            a10 = Avx512F.FusedMultiplyAdd(a10, m, c); a11 = Avx512F.FusedMultiplyAdd(a11, m, c);
        }
        return Vector512.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Loop256(long iterations)
    {
        var m = Vector256.Create(0.999f);
        var c = Vector256.Create(0.001f);
        Vector256<float> a0 = Vector256.Create(0.1f), a1 = Vector256.Create(0.2f), a2 = Vector256.Create(0.3f), a3 = Vector256.Create(0.4f),
            a4 = Vector256.Create(0.5f), a5 = Vector256.Create(0.6f), a6 = Vector256.Create(0.7f), a7 = Vector256.Create(0.8f),
            a8 = Vector256.Create(0.9f), a9 = Vector256.Create(1.0f), a10 = Vector256.Create(1.1f), a11 = Vector256.Create(1.2f);
        for (long i = 0; i < iterations; i++)
        {
            a0 = Fma.MultiplyAdd(a0, m, c); a1 = Fma.MultiplyAdd(a1, m, c);
            a2 = Fma.MultiplyAdd(a2, m, c); a3 = Fma.MultiplyAdd(a3, m, c);
            a4 = Fma.MultiplyAdd(a4, m, c); a5 = Fma.MultiplyAdd(a5, m, c);
            a6 = Fma.MultiplyAdd(a6, m, c); a7 = Fma.MultiplyAdd(a7, m, c);
            a8 = Fma.MultiplyAdd(a8, m, c); a9 = Fma.MultiplyAdd(a9, m, c);
            a10 = Fma.MultiplyAdd(a10, m, c); a11 = Fma.MultiplyAdd(a11, m, c);
        }
        return Vector256.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }
}
