using AlexNet.Onnx.Model;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace AlexNet.Training.Model;

/// <summary>
/// Section 3.3's normalisation: b_i = a_i / (k + α Σ_{j=i−n/2}^{i+(n−1)/2} a_j²)^β over adjacent kernels of one tower,
/// the sum clipped at the tower's first and last kernel, so the window never reaches into the other tower's kernels
/// (they sat on the other GPU). Our own code rather than TorchSharp's nn.LocalResponseNorm, which leaves tensors
/// outside the dispose scope on every call and uses α/n.
/// <para>
/// Three forms of the same numbers. <see cref="Fused"/> (float32 on the CPU, what <see cref="Apply"/> takes there)
/// runs forward and backward each as one pass over memory (<see cref="LrnCpuKernel"/>), on NCHW or, asked for
/// <see cref="MemoryFormat.ChannelsLast"/>, on NHWC memory. <see cref="Band"/> (any device)
/// computes the window sum as a matrix product, as the ONNX export does: d = k + B·a² with B the band of α's of one
/// tower (C×C, n/2 kernels before and (n−1)/2 after), applied to every tower's C kernels at once, with a hand-written
/// backward (<see cref="BandFunction"/>). <see cref="Direct"/> is the formula written out, kept as the reference the
/// tests hold the other two to.
/// </para>
/// <para>Every constant reaches libtorch as a TorchSharp scalar held for the whole call: a double passed where a
/// <see cref="Scalar"/> is expected (and the literal 1 that TorchSharp's own <c>add(tensor)</c> and <c>square()</c> pass)
/// becomes a temporary that nothing references once its handle is read, so the finalizer thread could free it while
/// libtorch was still reading it (<c>pow</c> and <c>add</c> then failed with "INTERNAL ASSERT FAILED at Scalar.h").</para>
/// </summary>
/// <param name="settings">n, α (the paper's), β, k.</param>
public sealed class LocalResponseNorm(LrnSettings settings)
{
    /// <summary>The constants in use.</summary>
    public LrnSettings Settings { get; } = settings;

    private readonly Scalar alpha = settings.Alpha.ToScalar(), k = settings.K.ToScalar(), beta = settings.Beta.ToScalar(), one = 1.0.ToScalar();

    /// <summary>
    /// Normalises activations [N, towers × C, H, W] (tower 0's kernels first), each tower's kernels on their own: float32
    /// tensors of up to 2 GB on the CPU through <see cref="Fused"/>, everything else through <see cref="Band"/>.
    /// </summary>
    /// <param name="a">The activations.</param>
    /// <param name="towers">How many towers' kernels lie side by side in the channels.</param>
    /// <param name="memoryFormat">The output's layout, as PyTorch's <c>memory_format</c> arguments choose it; with
    /// <see cref="MemoryFormat.ChannelsLast"/> the fused form reads and writes NHWC memory directly.</param>
    public Tensor Apply(Tensor a, int towers = 1, MemoryFormat memoryFormat = MemoryFormat.Contiguous)
    {
        if (FusedRuns(a)) return Fused(a, towers, memoryFormat);
        var output = Band(a, towers);
        if (memoryFormat == MemoryFormat.Contiguous) return output;
        using (output) return ChannelsLast.Of(output);
    }

    // TorchSharp hands out a CPU tensor's memory as a span, so up to 2 GB (paper's conv1 output at batch 1,800).
    private static bool FusedRuns(Tensor a) =>
        a.device_type == DeviceType.CPU && a.dtype == ScalarType.Float32 && a.numel() * sizeof(float) <= int.MaxValue;

    /// <summary>
    /// The window sum as a matrix product, as the export writes it (see the class summary), for any device and float
    /// type. With gradients on, a custom autograd node that keeps only what its backward needs; without, the forward
    /// alone.
    /// </summary>
    /// <param name="a">The activations [N, towers × C, H, W].</param>
    /// <param name="towers">How many towers' kernels lie side by side in the channels.</param>
    public Tensor Band(Tensor a, int towers = 1)
    {
        Check(a, towers);
        if (a.requires_grad && is_grad_enabled()) return BandFunction.Run(a, new NodeArguments(towers, Settings, MemoryFormat.Contiguous));
        using var scope = NewDisposeScope();
        return BandFunction.Forward(a, towers, Settings, keep: null).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Forward and backward each in one pass over memory (<see cref="LrnCpuKernel"/>), for float32 tensors on the CPU;
    /// keeps only d = k + α·Σa² for the backward, and writes the gradient over it. In
    /// <see cref="MemoryFormat.ChannelsLast"/> the kernels run on NHWC memory, where each tower's window is adjacent
    /// floats: the input is read as it lies when it is channels-last already (converted once otherwise), and the output
    /// and the input gradient are channels-last.
    /// </summary>
    /// <param name="a">The activations [N, towers × C, H, W], float32, on the CPU, up to 2 GB.</param>
    /// <param name="towers">How many towers' kernels lie side by side in the channels.</param>
    /// <param name="memoryFormat">The layout the kernels run in and the output is written in.</param>
    public Tensor Fused(Tensor a, int towers = 1, MemoryFormat memoryFormat = MemoryFormat.Contiguous)
    {
        Check(a, towers);
        if (!FusedRuns(a))
            throw new ArgumentException($"The fused LRN runs float32 tensors of up to 2 GB on the CPU, got {a.dtype} [{string.Join(", ", a.shape)}] on {a.device}; use Band.", nameof(a));
        var arguments = new NodeArguments(towers, Settings, memoryFormat);
        if (a.requires_grad && is_grad_enabled()) return FusedFunction.Run(a, arguments);
        return FusedFunction.Forward(a, arguments, keep: null);
    }

    private static void Check(Tensor a, int towers)
    {
        if (a.dim() != 4) throw new ArgumentException($"LRN expects [N, C, H, W] activations, got {a.dim()} dimensions.", nameof(a));
        if (towers < 1 || a.shape[1] % towers != 0)
            throw new ArgumentException($"{a.shape[1]} channels do not split into {towers} tower(s).", nameof(towers));
    }

    /// <summary>The formula written out: a², zero-padded at both ends of each tower's channels, n shifted sums, then
    /// a / (k + α·sum)^β, with autograd through every step. The reference for <see cref="Band"/> and <see cref="Fused"/>.</summary>
    /// <param name="a">The activations [N, towers × C, H, W].</param>
    /// <param name="towers">How many towers' kernels lie side by side in the channels.</param>
    public Tensor Direct(Tensor a, int towers = 1) =>
        towers == 1 ? DirectTower(a) : cat([.. a.chunk(towers, 1).Select(DirectTower)], 1);

    // One tower's kernels. (Four-dimensional on purpose: the same window over a [N, towers, C, H, W] view made a
    // small-preset training step 15 % slower.)
    private Tensor DirectTower(Tensor a)
    {
        int n = Settings.Size, before = n / 2, after = (n - 1) / 2;
        using var squares = a.mul(a); // not square(): TorchSharp runs it as pow(2) with a temporary Scalar
        using var padded = F.pad(squares, [0, 0, 0, 0, before, after]);
        long channels = a.shape[1];
        var sum = padded.narrow(1, 0, channels);
        for (int d = 1; d < n; d++) sum = sum.add(padded.narrow(1, d, channels), one);
        return a.div(sum.mul(alpha).add(k, one).pow(beta));
    }

    /// <summary>The window as a matrix for one tower of <paramref name="channels"/> kernels: B[o, i] = α for the kernels
    /// i that o's window covers (n/2 before, (n−1)/2 after, inside the tower); Bᵀ (<paramref name="transposed"/>) for
    /// the backward, which differs for even n. A few KB, built per call: nothing to cache, dispose or move between
    /// devices.</summary>
    internal static Tensor BandMatrix(long channels, LrnSettings s, Device device, ScalarType dtype, bool transposed = false)
    {
        int before = s.Size / 2, after = (s.Size - 1) / 2;
        // In doubles, so a float64 band holds α itself rather than α rounded to float (2.5e-8 off for the paper's 1e-4).
        var data = new double[channels * channels];
        for (long o = 0; o < channels; o++)
            for (long i = Math.Max(0, o - before); i <= Math.Min(channels - 1, o + after); i++)
                data[transposed ? i * channels + o : o * channels + i] = s.Alpha;
        using var band = tensor(data, [channels, channels]);
        return band.to(dtype, device);
    }

    internal sealed record NodeArguments(int Towers, LrnSettings Settings, MemoryFormat MemoryFormat);

    // What the backward needs besides the input: p = d^−β and d = k + B·a². Held here rather than through
    // save_for_backward so the backward can free them as soon as it has used them (TorchSharp's custom nodes keep
    // saved variables until the graph is freed, which the step's dispose scope does only at its end).
    internal sealed class Saved
    {
        public Tensor? Power;
        public Tensor? Denominator;
    }

    /// <summary>What the two autograd nodes share: the input saved for the backward, and what their forward keeps
    /// (<see cref="Saved"/>) handed to the backward once, made again when a second backward finds it taken.</summary>
    internal abstract class Node<T> : autograd.SingleTensorFunction<T> where T : Node<T>, new()
    {
        public static Tensor Run(Tensor a, NodeArguments arguments) => apply(a, arguments);

        /// <summary>The forward pass, filling <paramref name="keep"/> for the backward.</summary>
        protected abstract Tensor Compute(Tensor a, NodeArguments arguments, Saved keep);

        public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
        {
            var a = (Tensor)vars[0];
            var saved = new Saved();
            var output = Compute(a, (NodeArguments)vars[1], saved);
            ctx.save_for_backward([a]);
            ctx.save_data("saved", saved);
            ctx.save_data("arguments", vars[1]);
            return output;
        }

        /// <summary>The input (to dispose), the arguments, and what forward kept, now the caller's alone.</summary>
        protected (Tensor A, NodeArguments Arguments, Saved Kept) Restore(autograd.AutogradContext ctx)
        {
            var saved = (Saved)ctx.get_data("saved");
            var arguments = (NodeArguments)ctx.get_data("arguments");
            var a = ctx.get_saved_variables()[0];
            // A second backward through the same graph (retain_graph) finds what the first took: recompute it. (An
            // exception here would cross native frames and end the process.)
            if (saved.Denominator is null)
                using (no_grad()) Compute(a, arguments, saved).Dispose();
            var kept = new Saved { Power = saved.Power, Denominator = saved.Denominator };
            saved.Power = saved.Denominator = null;
            return (a, arguments, kept);
        }
    }

    /// <summary>
    /// out = a·d^−β with d = k + B·a² per tower (B holding α). Backward, with g the incoming gradient and p = d^−β:
    /// ∂L/∂a = g·p − 2β·a·Bᵀ(g·a·p / d). Both matrix products see all N × towers [C, H·W] slices at once.
    /// </summary>
    internal sealed class BandFunction : Node<BandFunction>
    {
        public override string Name => "LocalResponseNormBand";

        protected override Tensor Compute(Tensor a, NodeArguments arguments, Saved keep) => Forward(a, arguments.Towers, arguments.Settings, keep);

        /// <summary>The forward pass; <paramref name="keep"/> receives p (shaped as <paramref name="a"/>) and d (as
        /// [N × towers, C, H·W]) for the backward (null: inference, where p's buffer becomes the output).</summary>
        internal static Tensor Forward(Tensor a, int towers, LrnSettings s, Saved? keep)
        {
            var shape = a.shape;
            long channels = shape[1] / towers;
            using var contiguous = a.contiguous();
            using var x = contiguous.view(shape[0] * towers, channels, shape[2] * shape[3]);
            using var band = BandMatrix(channels, s, a.device, a.dtype);
            using var k = s.K.ToScalar();
            using var exponent = (-s.Beta).ToScalar();
            using var one = 1.0.ToScalar(); // add_(Scalar) alone would pass a temporary alpha of 1
            var power = contiguous.mul(contiguous); // square() would pass a temporary exponent
            using var p = power.view(x.shape);
            var d = matmul(band, p).add_(k, one);
            // p = d^−β in the squares' buffer, dead after the product: one allocation fewer. For the paper's β = 3/4,
            // d^¼ / d: two square roots and a division cost about half of one pow on the CPU.
            p.copy_(d);
            if (s.Beta == 0.75) p.sqrt_().sqrt_().div_(d);
            else p.pow_(exponent);
            if (keep is null)
            {
                d.Dispose();
                p.mul_(x);
                return power;
            }
            keep.Power = power;
            keep.Denominator = d;
            using var output = x.mul(p);
            return output.view(shape);
        }

        public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad)
        {
            var (savedInput, (towers, s, _), kept) = Restore(ctx);
            using var a = savedInput;
            var shape = a.shape;
            // p and d are this node's own (nothing else holds them) and dead after this call, so the gradient is
            // built in their buffers: one fresh allocation (Bᵀ·w) instead of three, each of which costs the kernel a
            // page fault per 4 KiB on first touch.
            // The gradient is returned in a tensor made in forward (on the training thread, inside its dispose scope):
            // on CUDA this runs on an engine thread with no scope, where a new one would live until the GC.
            var result = kept.Power!;
            var w = kept.Denominator!;
            using var contiguous = a.contiguous();
            using var x = contiguous.view(w.shape);
            using var r = result.view(w.shape);
            using (var g = grad.reshape(w.shape))
            {
                r.mul_(g);                                   // g·p
                w.reciprocal_().mul_(r).mul_(x);             // g·a·p / d
            }
            using (w)
            {
                using var transposed = BandMatrix(shape[1] / towers, s, w.device, w.dtype, transposed: true);
                using var z = matmul(transposed, w);
                using var coefficient = (-2 * s.Beta).ToScalar();
                r.addcmul_(x, z, coefficient);               // g·p − 2β·a·Bᵀ(g·a·p / d)
            }
            grad.Dispose();
            return [result, null!];
        }
    }

    /// <summary>
    /// <see cref="LrnCpuKernel"/> as an autograd node: forward keeps d (as <see cref="Saved.Denominator"/>), backward
    /// writes the gradient over it, so the node allocates the output and d and nothing else.
    /// </summary>
    internal sealed class FusedFunction : Node<FusedFunction>
    {
        public override string Name => "LocalResponseNormFused";

        protected override Tensor Compute(Tensor a, NodeArguments arguments, Saved keep) => Forward(a, arguments, keep);

        internal static unsafe Tensor Forward(Tensor a, NodeArguments arguments, Saved? keep)
        {
            var (towers, s, format) = arguments;
            var shape = a.shape;
            int channels = (int)(shape[1] / towers);
            if (format == MemoryFormat.ChannelsLast)
            {
                using var nhwc = ChannelsLast.Nhwc(a);
                var result = ChannelsLast.Empty(shape);
                var kept = keep is null ? null : ChannelsLast.Empty(shape);
                using var resultMemory = ChannelsLast.Memory(result);
                using var keptMemory = kept is null ? null : ChannelsLast.Memory(kept);
                fixed (byte* input = nhwc.bytes, y = resultMemory.bytes, denominator = keptMemory is null ? default : keptMemory.bytes)
                    LrnCpuKernel.ForwardChannelsLast((float*)input, (float*)y, (float*)denominator, shape[0] * shape[2] * shape[3], towers, channels, s);
                if (keep is not null) keep.Denominator = kept;
                return result;
            }
            using var x = a.contiguous();
            var output = empty_like(x);
            var d = keep is null ? null : empty_like(x);
            fixed (byte* input = x.bytes, result = output.bytes, denominator = d is null ? default : d.bytes)
                LrnCpuKernel.Forward((float*)input, (float*)result, (float*)denominator,
                    shape[0] * towers, channels, shape[2] * shape[3], s);
            if (keep is not null) keep.Denominator = d;
            return output;
        }

        public override unsafe List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad)
        {
            var (savedInput, (towers, s, format), kept) = Restore(ctx);
            using var a = savedInput;
            var shape = a.shape;
            int channels = (int)(shape[1] / towers);
            // d has the layout forward gave it, and the gradient takes its floats.
            var result = kept.Denominator!;
            if (format == MemoryFormat.ChannelsLast)
            {
                using var x = ChannelsLast.Nhwc(a);
                using var g = ChannelsLast.Nhwc(grad);
                using var resultMemory = ChannelsLast.Memory(result);
                fixed (byte* gradient = g.bytes, input = x.bytes, denominator = resultMemory.bytes)
                    LrnCpuKernel.BackwardChannelsLast((float*)gradient, (float*)input, (float*)denominator, shape[0] * shape[2] * shape[3], towers, channels, s);
            }
            else
            {
                using var x = a.contiguous();
                using var g = grad.contiguous();
                fixed (byte* gradient = g.bytes, input = x.bytes, denominator = result.bytes)
                    LrnCpuKernel.Backward((float*)gradient, (float*)input, (float*)denominator,
                        shape[0] * towers, channels, shape[2] * shape[3], s);
            }
            grad.Dispose();
            return [result, null!];
        }
    }
}
