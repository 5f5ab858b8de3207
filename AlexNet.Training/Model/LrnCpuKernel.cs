using System.Numerics;
using System.Runtime.CompilerServices;
using AlexNet.Onnx.Model;

namespace AlexNet.Training.Model;

/// <summary>
/// LRN's forward and backward on the CPU as one pass over memory each, our own loops because libtorch has no LRN kernel
/// of its own (its LocalResponseNorm is composed of about eight element-wise passes and a window sum) and TorchSharp has
/// no path for a custom native operator. Contiguous activations are [slices, C, P]: one slice per image and tower, C
/// kernels, P = H·W positions. A tile of <see cref="Tile"/> positions of every kernel of a slice stays in the core's
/// cache while its window sums are made, so each activation is read once and written once. Channels-last activations
/// are [N·H·W, towers × C] (the <c>ChannelsLast</c> methods): one position's kernels are adjacent already.
/// </summary>
internal static unsafe class LrnCpuKernel
{
    // Positions per tile: with C = 192 kernels the two scratch planes of a tile take 96 KB, inside a core's L2.
    private const int Tile = 64;

    /// <summary>y = a·d^−β with d = k + α·Σ_window a², per slice; <paramref name="d"/> (may be null) receives d for the
    /// backward.</summary>
    public static void Forward(float* a, float* y, float* d, long slices, int channels, long positions, LrnSettings s)
    {
        var (a_, y_, d_) = ((nint)a, (nint)y, (nint)d);
        CpuSlices.For(slices, ScratchBytes(channels), (slice, scratch) =>
        {
            long offset = slice * channels * positions;
            ForwardSlice((float*)a_ + offset, (float*)y_ + offset, d_ == 0 ? null : (float*)d_ + offset, channels, positions, s, scratch);
        });
    }

    /// <summary>∂L/∂a = g·p − 2αβ·a·Σ_{o whose window holds a} g_o·a_o·p_o/d_o, p = d^−β, written over
    /// <paramref name="d"/> (each tile of d is read in full before its gradient is written).</summary>
    public static void Backward(float* g, float* a, float* d, long slices, int channels, long positions, LrnSettings s)
    {
        var (g_, a_, d_) = ((nint)g, (nint)a, (nint)d);
        CpuSlices.For(slices, ScratchBytes(channels), (slice, scratch) =>
        {
            long offset = slice * channels * positions;
            BackwardSlice((float*)g_ + offset, (float*)a_ + offset, (float*)d_ + offset, channels, positions, s, scratch);
        });
    }

    /// <summary><see cref="Forward"/> for channels-last activations [N·H·W positions, towers × C kernels]: at one
    /// position every kernel lies side by side, so each tower's window is a run of adjacent floats and the window sums
    /// are vectors across kernels, with no tile to gather.</summary>
    public static void ForwardChannelsLast(float* a, float* y, float* d, long positions, int towers, int channels, LrnSettings s)
    {
        var (a_, y_, d_) = ((nint)a, (nint)y, (nint)d);
        long chunks = (positions + PositionsPerChunk - 1) / PositionsPerChunk;
        CpuSlices.For(chunks, ChannelsLastScratchBytes(channels, s), (chunk, scratch) =>
        {
            long first = chunk * PositionsPerChunk, count = Math.Min(PositionsPerChunk, positions - first);
            ForwardChannelsLastChunk((float*)a_, (float*)y_, d_ == 0 ? null : (float*)d_, first, count, towers, channels, s, (float*)scratch);
        });
    }

    /// <summary><see cref="Backward"/> for channels-last activations, written over <paramref name="d"/> as there.</summary>
    public static void BackwardChannelsLast(float* g, float* a, float* d, long positions, int towers, int channels, LrnSettings s)
    {
        var (g_, a_, d_) = ((nint)g, (nint)a, (nint)d);
        long chunks = (positions + PositionsPerChunk - 1) / PositionsPerChunk;
        CpuSlices.For(chunks, ChannelsLastScratchBytes(channels, s), (chunk, scratch) =>
        {
            long first = chunk * PositionsPerChunk, count = Math.Min(PositionsPerChunk, positions - first);
            BackwardChannelsLastChunk((float*)g_, (float*)a_, (float*)d_, first, count, towers, channels, s, (float*)scratch);
        });
    }

    // Positions a task: a paper conv1 batch (128 × 55 × 55) makes about 6,000 tasks of 48 KB each.
    private const long PositionsPerChunk = 32;

    // One tower's kernels with n zeros around them (the window clipped at the tower's ends reads zeros), twice, and g·p.
    private static long ChannelsLastScratchBytes(int channels, LrnSettings s) => (3L * channels + 2L * s.Size) * sizeof(float);

    private static void ForwardChannelsLastChunk(float* a, float* y, float* d, long firstPosition, long count, int towers, int channels,
        LrnSettings s, float* scratch)
    {
        int n = s.Size, before = n / 2, lanes = Vector<float>.Count;
        // squares[before + c] = a_c², zeros in the n/2 floats before and the (n−1)/2 after: the window of kernel c is
        // squares[c … c + n − 1].
        float* squares = scratch;
        new Span<float>(squares, channels + n).Clear();
        var (alpha, k) = ((float)s.Alpha, (float)s.K);
        long stride = (long)towers * channels;
        for (long p = firstPosition; p < firstPosition + count; p++)
            for (int t = 0; t < towers; t++)
            {
                long at = p * stride + (long)t * channels;
                float* x = a + at;
                int c = 0;
                for (; c <= channels - lanes; c += lanes)
                {
                    var v = Vector.Load(x + c);
                    (v * v).Store(squares + before + c);
                }
                for (; c < channels; c++) squares[before + c] = x[c] * x[c];
                c = 0;
                for (; c <= channels - lanes; c += lanes)
                {
                    var sum = Vector.Load(squares + c);
                    for (int m = 1; m < n; m++) sum += Vector.Load(squares + c + m);
                    var denominator = new Vector<float>(k) + new Vector<float>(alpha) * sum;
                    (Vector.Load(x + c) * Power(denominator, s.Beta)).Store(y + at + c);
                    if (d != null) denominator.Store(d + at + c);
                }
                for (; c < channels; c++)
                {
                    float sum = 0;
                    for (int m = 0; m < n; m++) sum += squares[c + m];
                    float denominator = k + alpha * sum;
                    y[at + c] = x[c] * MathF.Pow(denominator, (float)-s.Beta);
                    if (d != null) d[at + c] = denominator;
                }
            }
    }

    private static void BackwardChannelsLastChunk(float* g, float* a, float* d, long firstPosition, long count, int towers, int channels,
        LrnSettings s, float* scratch)
    {
        int n = s.Size, after = (n - 1) / 2, lanes = Vector<float>.Count;
        // w[after + o] = g_o·a_o·p_o/d_o, zeros around: kernel i lies in the windows of o = i − after … i + before, that
        // is w[i … i + n − 1]. gp[i] = g_i·p_i.
        float* w = scratch, gp = w + channels + n;
        new Span<float>(w, channels + n).Clear();
        float twoAlphaBeta = (float)(2 * s.Alpha * s.Beta);
        long stride = (long)towers * channels;
        for (long p = firstPosition; p < firstPosition + count; p++)
            for (int t = 0; t < towers; t++)
            {
                long at = p * stride + (long)t * channels;
                int c = 0;
                for (; c <= channels - lanes; c += lanes)
                {
                    var denominator = Vector.Load(d + at + c);
                    var gradientTimesPower = Vector.Load(g + at + c) * Power(denominator, s.Beta);
                    gradientTimesPower.Store(gp + c);
                    (gradientTimesPower * Vector.Load(a + at + c) / denominator).Store(w + after + c);
                }
                for (; c < channels; c++)
                {
                    float denominator = d[at + c], product = g[at + c] * MathF.Pow(denominator, (float)-s.Beta);
                    gp[c] = product;
                    w[after + c] = product * a[at + c] / denominator;
                }
                // d of this position and tower is read in full: its floats take the gradient.
                c = 0;
                for (; c <= channels - lanes; c += lanes)
                {
                    var sum = Vector.Load(w + c);
                    for (int m = 1; m < n; m++) sum += Vector.Load(w + c + m);
                    (Vector.Load(gp + c) - new Vector<float>(twoAlphaBeta) * Vector.Load(a + at + c) * sum).Store(d + at + c);
                }
                for (; c < channels; c++)
                {
                    float sum = 0;
                    for (int m = 0; m < n; m++) sum += w[c + m];
                    d[at + c] = gp[c] - twoAlphaBeta * a[at + c] * sum;
                }
            }
    }

    // Two [C, Tile] planes a thread: the squares in forward, g·p and g·a·p/d in backward.
    private static long ScratchBytes(int channels) => 2L * channels * Tile * sizeof(float);

    private static void ForwardSlice(float* a, float* y, float* d, int channels, long positions, LrnSettings s, nint scratch)
    {
        float* squares = (float*)scratch;
        int before = s.Size / 2, after = (s.Size - 1) / 2;
        var (alpha, k) = ((float)s.Alpha, (float)s.K);
        for (long p0 = 0; p0 < positions; p0 += Tile)
        {
            int width = (int)Math.Min(Tile, positions - p0);
            for (int c = 0; c < channels; c++)
            {
                float* x = a + c * positions + p0, sq = squares + c * Tile;
                for (int j = 0; j < width; j++) sq[j] = x[j] * x[j];
            }
            for (int c = 0; c < channels; c++)
            {
                int first = Math.Max(0, c - before), last = Math.Min(channels - 1, c + after);
                long at = c * positions + p0;
                int j = 0;
                for (; j <= width - Vector<float>.Count; j += Vector<float>.Count)
                {
                    var denominator = new Vector<float>(k) + new Vector<float>(alpha) * WindowSum(squares, first, last, j);
                    (Vector.Load(a + at + j) * Power(denominator, s.Beta)).Store(y + at + j);
                    if (d != null) denominator.Store(d + at + j);
                }
                for (; j < width; j++)
                {
                    float denominator = k + alpha * WindowSumAt(squares, first, last, j);
                    y[at + j] = a[at + j] * MathF.Pow(denominator, (float)-s.Beta);
                    if (d != null) d[at + j] = denominator;
                }
            }
        }
    }

    private static void BackwardSlice(float* g, float* a, float* d, int channels, long positions, LrnSettings s, nint scratch)
    {
        float* gp = (float*)scratch, w = gp + channels * Tile;
        int before = s.Size / 2, after = (s.Size - 1) / 2;
        float twoAlphaBeta = (float)(2 * s.Alpha * s.Beta);
        for (long p0 = 0; p0 < positions; p0 += Tile)
        {
            int width = (int)Math.Min(Tile, positions - p0);
            // gp = g·p and w = g·a·p/d for every kernel of the tile; then d's tile is free for the gradient.
            for (int c = 0; c < channels; c++)
            {
                long at = c * positions + p0;
                int j = 0;
                for (; j <= width - Vector<float>.Count; j += Vector<float>.Count)
                {
                    var denominator = Vector.Load(d + at + j);
                    var gradientTimesPower = Vector.Load(g + at + j) * Power(denominator, s.Beta);
                    gradientTimesPower.Store(gp + c * Tile + j);
                    (gradientTimesPower * Vector.Load(a + at + j) / denominator).Store(w + c * Tile + j);
                }
                for (; j < width; j++)
                {
                    float denominator = d[at + j], product = g[at + j] * MathF.Pow(denominator, (float)-s.Beta);
                    gp[c * Tile + j] = product;
                    w[c * Tile + j] = product * a[at + j] / denominator;
                }
            }
            // Kernel i is in the window of o for o − before ≤ i ≤ o + after, that is o from i − after to i + before.
            for (int i = 0; i < channels; i++)
            {
                int first = Math.Max(0, i - after), last = Math.Min(channels - 1, i + before);
                long at = i * positions + p0;
                int j = 0;
                for (; j <= width - Vector<float>.Count; j += Vector<float>.Count)
                {
                    var sum = WindowSum(w, first, last, j);
                    (Vector.Load(gp + i * Tile + j) - new Vector<float>(twoAlphaBeta) * Vector.Load(a + at + j) * sum).Store(d + at + j);
                }
                for (; j < width; j++)
                {
                    d[at + j] = gp[i * Tile + j] - twoAlphaBeta * a[at + j] * WindowSumAt(w, first, last, j);
                }
            }
        }
    }

    // Σ over kernels first … last of a [C, Tile] scratch plane, at positions j … j + lanes − 1, or at j alone.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> WindowSum(float* planes, int first, int last, int j)
    {
        var sum = Vector<float>.Zero;
        for (int i = first; i <= last; i++) sum += Vector.Load(planes + i * Tile + j);
        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float WindowSumAt(float* planes, int first, int last, int j)
    {
        float sum = 0;
        for (int i = first; i <= last; i++) sum += planes[i * Tile + j];
        return sum;
    }

    // d^−β. For the paper's β = 3/4, d^¼ / d: two square roots and a division, exact to a few ulps; otherwise exp(−β·ln d).
    private static Vector<float> Power(Vector<float> d, double beta) =>
        beta == 0.75 ? Vector.SquareRoot(Vector.SquareRoot(d)) / d : Vector.Exp(new Vector<float>((float)-beta) * Vector.Log(d));
}
