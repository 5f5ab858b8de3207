using System.Numerics;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace AlexNet.Training.Model;

/// <summary>
/// Section 3.4's overlapping max-pooling (z × z windows every s pixels, no padding) on [N, C, H, W] activations. Float
/// tensors on the CPU go through our own loops, because libtorch's CPU kernel for this layout ran a paper step's conv1
/// pooling 8× slower than its own kernel for channels-last strides (164–182 against 18–22 ms), and converting the layout there
/// and back cost more than it saved. Elsewhere, libtorch's max_pool2d. The same values and the same gradients: each
/// window's gradient goes to its largest input, the first in row-major order among equals, as libtorch chooses.
/// Channels-last activations (<see cref="MemoryFormat.ChannelsLast"/>) have a form of their own, vectorised across the
/// channels of each pixel, which reads and writes NHWC memory as it lies.
/// </summary>
public static class MaxPool
{
    /// <summary>Pools <paramref name="x"/> with <paramref name="kernel"/> × <paramref name="kernel"/> windows every
    /// <paramref name="stride"/> pixels.</summary>
    /// <param name="x">Activations [N, C, H, W].</param>
    /// <param name="kernel">Window side (z; 3 in the paper).</param>
    /// <param name="stride">Step between windows (s; 2 in the paper).</param>
    /// <param name="memoryFormat">The output's layout, as PyTorch's <c>memory_format</c> arguments choose it. With
    /// <see cref="MemoryFormat.ChannelsLast"/> the input is read as NHWC (converted once when it is not) and the output
    /// and the input gradient are channels-last.</param>
    public static Tensor Apply(Tensor x, int kernel, int stride, MemoryFormat memoryFormat = MemoryFormat.Contiguous)
    {
        if (memoryFormat == MemoryFormat.ChannelsLast) return ApplyChannelsLast(x, kernel, stride);
        // Rows with fewer window starts than a vector has lanes leave our loops nothing to vectorise: the small preset's
        // conv5 pooling (6 × 6 maps) ran 3× slower in them than in libtorch's.
        bool ours = x.dim() == 4 && x.device_type == DeviceType.CPU && x.dtype == ScalarType.Float32
            && x.numel() * sizeof(float) <= int.MaxValue && x.shape[2] >= kernel && x.shape[3] - kernel + 1 >= Vector<float>.Count;
        if (!ours) return F.max_pool2d(x, kernel, stride);
        if (x.requires_grad && is_grad_enabled()) return Function.Run(x, new Window(kernel, stride, MemoryFormat.Contiguous));
        using var indices = Function.Forward(x, kernel, stride, out var output);
        return output;
    }

    private static Tensor ApplyChannelsLast(Tensor x, int kernel, int stride)
    {
        bool ours = x.dim() == 4 && x.device_type == DeviceType.CPU && x.dtype == ScalarType.Float32
            && x.numel() * sizeof(float) <= int.MaxValue && x.shape[2] >= kernel && x.shape[3] >= kernel;
        if (!ours)
        {
            if (x.dim() != 4) return F.max_pool2d(x, kernel, stride);
            // libtorch's kernel keeps its input's layout.
            using var last = ChannelsLast.Of(x);
            return F.max_pool2d(last, kernel, stride);
        }
        if (x.requires_grad && is_grad_enabled()) return Function.Run(x, new Window(kernel, stride, MemoryFormat.ChannelsLast));
        using var indices = Function.ForwardChannelsLast(x, kernel, stride, out var output);
        return output;
    }

    internal sealed record Window(int Kernel, int Stride, MemoryFormat MemoryFormat);

    private sealed record Indices(Tensor Tensor);

    internal sealed class Function : autograd.SingleTensorFunction<Function>
    {
        public override string Name => "MaxPool2dCpu";

        public static Tensor Run(Tensor x, Window window) => apply(x, window);

        public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
        {
            var x = (Tensor)vars[0];
            var (kernel, stride, format) = (Window)vars[1];
            // Only the indices and the input's shape: unlike libtorch's node, this one does not keep the input alive. In a
            // holder of our own: TorchSharp warns on every tensor saved as data rather than through save_for_backward.
            var indices = format == MemoryFormat.ChannelsLast ? ForwardChannelsLast(x, kernel, stride, out var output) : Forward(x, kernel, stride, out output);
            ctx.save_data("indices", new Indices(indices));
            ctx.save_data("shape", x.shape);
            ctx.save_data("format", format);
            return output;
        }

        public override unsafe List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad)
        {
            var shape = (long[])ctx.get_data("shape");
            // Left alive: a second backward through the same graph (retain_graph) reads them again. They belong to the
            // dispose scope that ran the forward pass.
            var indices = ((Indices)ctx.get_data("indices")).Tensor;
            if ((MemoryFormat)ctx.get_data("format") == MemoryFormat.ChannelsLast) return [BackwardChannelsLast(grad, indices, shape), null!];
            using var g = grad.contiguous();
            var result = empty(shape, ScalarType.Float32);
            fixed (byte* gradient = g.bytes, at = indices.bytes, input = result.bytes)
                Kernel.Backward((float*)gradient, (int*)at, (float*)input, shape[0] * shape[1], shape[2] * shape[3], g.shape[2] * g.shape[3]);
            grad.Dispose();
            return [result, null!];
        }

        /// <summary>The pooled output and, per output, the flat position of its maximum inside its H × W plane.</summary>
        internal static unsafe Tensor Forward(Tensor x, int kernel, int stride, out Tensor output)
        {
            using var input = x.contiguous();
            long n = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3];
            long outH = (h - kernel) / stride + 1, outW = (w - kernel) / stride + 1;
            output = empty([n, c, outH, outW], ScalarType.Float32);
            var indices = empty([n, c, outH, outW], ScalarType.Int32);
            fixed (byte* from = input.bytes, to = output.bytes, at = indices.bytes)
                Kernel.Forward((float*)from, (float*)to, (int*)at, n * c, (int)h, (int)w, (int)outH, (int)outW, kernel, stride);
            return indices;
        }

        /// <summary>The pooled output, channels-last, and per output the flat position (row × W + column) of its maximum
        /// inside its channel's H × W plane, as [N, outH, outW, C].</summary>
        internal static unsafe Tensor ForwardChannelsLast(Tensor x, int kernel, int stride, out Tensor output)
        {
            using var input = ChannelsLast.Nhwc(x);
            long n = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3];
            long outH = (h - kernel) / stride + 1, outW = (w - kernel) / stride + 1;
            output = ChannelsLast.Empty([n, c, outH, outW]);
            var indices = empty([n, outH, outW, c], ScalarType.Int32);
            using var outputMemory = ChannelsLast.Memory(output);
            fixed (byte* from = input.bytes, to = outputMemory.bytes, at = indices.bytes)
                Kernel.ForwardChannelsLast((float*)from, (float*)to, (int*)at, n, (int)c, (int)h, (int)w, (int)outH, (int)outW, kernel, stride);
            return indices;
        }

        private static unsafe Tensor BackwardChannelsLast(Tensor grad, Tensor indices, long[] shape)
        {
            using var g = ChannelsLast.Nhwc(grad);
            var result = ChannelsLast.Empty(shape);
            using var resultMemory = ChannelsLast.Memory(result);
            fixed (byte* gradient = g.bytes, at = indices.bytes, input = resultMemory.bytes)
                Kernel.BackwardChannelsLast((float*)gradient, (int*)at, (float*)input, shape[0], (int)shape[1], shape[2] * shape[3], g.shape[1] * g.shape[2]);
            grad.Dispose();
            return result;
        }
    }

    private static unsafe class Kernel
    {
        public static void Forward(float* x, float* y, int* indices, long planes, int h, int w, int outH, int outW, int kernel, int stride)
        {
            var (x_, y_, i_) = ((nint)x, (nint)y, (nint)indices);
            // Each row's maxima and their positions (h × w each), and one output row's (w each).
            CpuSlices.For(planes, (2L * h * w + 2L * w) * sizeof(float), (plane, scratch) =>
                ForwardPlane((float*)x_ + plane * h * w, (float*)y_ + plane * outH * outW, (int*)i_ + plane * outH * outW,
                    h, w, outH, outW, kernel, stride, (float*)scratch));
        }

        // Two passes of vectors along the rows, at every column (stride 1), and then every s-th result is kept: first
        // each row's maximum over the k columns from c, then each window's over its k rows. Later positions are taken
        // only when greater (or NaN), rows in order, so among equals the first in row-major order wins, as in libtorch.
        private static void ForwardPlane(float* x, float* y, int* indices, int h, int w, int outH, int outW, int kernel, int stride, float* scratch)
        {
            int lanes = Vector<float>.Count, starts = w - kernel + 1;   // window starts along a row
            float* rowMax = scratch, windowMax = rowMax + h * w;
            int* rowAt = (int*)(windowMax + w), windowAt = rowAt + h * w;
            Span<int> laneOffsets = stackalloc int[lanes];
            for (int l = 0; l < lanes; l++) laneOffsets[l] = l;
            var offsets = new Vector<int>(laneOffsets);
            for (int r = 0; r < (outH - 1) * stride + kernel; r++)
            {
                float* row = x + r * w;
                int c = 0;
                for (; c <= starts - lanes; c += lanes)
                {
                    var best = Vector.Load(row + c);
                    var at = new Vector<int>(r * w + c) + offsets;
                    for (int dc = 1; dc < kernel; dc++)
                    {
                        var v = Vector.Load(row + c + dc);
                        var take = Beats(v, best);
                        best = Vector.ConditionalSelect(take, v, best);
                        at = Vector.ConditionalSelect(take, new Vector<int>(r * w + c + dc) + offsets, at);
                    }
                    best.Store(rowMax + r * w + c);
                    at.Store(rowAt + r * w + c);
                }
                for (; c < starts; c++)
                {
                    float best = row[c];
                    int at = r * w + c;
                    for (int dc = 1; dc < kernel; dc++)
                        if (Beats(row[c + dc], best)) (best, at) = (row[c + dc], r * w + c + dc);
                    (rowMax[r * w + c], rowAt[r * w + c]) = (best, at);
                }
            }
            for (int i = 0; i < outH; i++)
            {
                int top = i * stride, c = 0;
                for (; c <= starts - lanes; c += lanes)
                {
                    var best = Vector.Load(rowMax + top * w + c);
                    var at = Vector.Load(rowAt + top * w + c);
                    for (int r = top + 1; r < top + kernel; r++)
                    {
                        var v = Vector.Load(rowMax + r * w + c);
                        var take = Beats(v, best);
                        best = Vector.ConditionalSelect(take, v, best);
                        at = Vector.ConditionalSelect(take, Vector.Load(rowAt + r * w + c), at);
                    }
                    best.Store(windowMax + c);
                    at.Store(windowAt + c);
                }
                for (; c < starts; c++)
                {
                    float best = rowMax[top * w + c];
                    int at = rowAt[top * w + c];
                    for (int r = top + 1; r < top + kernel; r++)
                        if (Beats(rowMax[r * w + c], best)) (best, at) = (rowMax[r * w + c], rowAt[r * w + c]);
                    (windowMax[c], windowAt[c]) = (best, at);
                }
                for (int j = 0; j < outW; j++)
                {
                    y[i * outW + j] = windowMax[j * stride];
                    indices[i * outW + j] = windowAt[j * stride];
                }
            }
        }

        public static void Backward(float* gradOutput, int* indices, float* gradInput, long planes, long inputSize, long outputSize)
        {
            var (g_, i_, r_) = ((nint)gradOutput, (nint)indices, (nint)gradInput);
            CpuSlices.For(planes, 0, (plane, _) =>
            {
                float* g = (float*)g_ + plane * outputSize, result = (float*)r_ + plane * inputSize;
                int* at = (int*)i_ + plane * outputSize;
                new Span<float>(result, (int)inputSize).Clear();
                for (long o = 0; o < outputSize; o++) result[at[o]] += g[o];
            });
        }

        // Channels-last: one task per output row of an image; at each output pixel the window's k × k input pixels in
        // row-major order, each a run of C adjacent floats compared a vector of channels at a time. A later pixel is
        // taken only when greater (or NaN), so among equals the first in row-major order wins, as in libtorch.
        public static void ForwardChannelsLast(float* x, float* y, int* indices, long images, int channels, int h, int w, int outH, int outW,
            int kernel, int stride)
        {
            var (x_, y_, i_) = ((nint)x, (nint)y, (nint)indices);
            CpuSlices.For(images * outH, 0, (task, _) =>
            {
                long image = task / outH;
                int row = (int)(task % outH);
                long rowStart = (image * outH + row) * outW * channels;
                ForwardRowChannelsLast((float*)x_ + image * h * w * channels, (float*)y_ + rowStart, (int*)i_ + rowStart,
                    channels, w, row * stride, outW, kernel, stride);
            });
        }

        private static void ForwardRowChannelsLast(float* image, float* y, int* indices, int channels, int w, int top, int outW, int kernel, int stride)
        {
            int lanes = Vector<float>.Count;
            for (int j = 0; j < outW; j++)
            {
                int left = j * stride;
                float* output = y + (long)j * channels;
                int* at = indices + (long)j * channels;
                int c = 0;
                for (; c <= channels - lanes; c += lanes)
                {
                    int first = top * w + left;
                    var best = Vector.Load(image + (long)first * channels + c);
                    var where = new Vector<int>(first);
                    for (int r = top; r < top + kernel; r++)
                        for (int q = left; q < left + kernel; q++)
                        {
                            int position = r * w + q;
                            if (position == first) continue;
                            var v = Vector.Load(image + (long)position * channels + c);
                            var take = Beats(v, best);
                            best = Vector.ConditionalSelect(take, v, best);
                            where = Vector.ConditionalSelect(take, new Vector<int>(position), where);
                        }
                    best.Store(output + c);
                    where.Store(at + c);
                }
                for (; c < channels; c++)
                {
                    int where = top * w + left;
                    float best = image[(long)where * channels + c];
                    for (int r = top; r < top + kernel; r++)
                        for (int q = left; q < left + kernel; q++)
                        {
                            int position = r * w + q;
                            float v = image[(long)position * channels + c];
                            if (position != top * w + left && Beats(v, best)) (best, where) = (v, position);
                        }
                    (output[c], at[c]) = (best, where);
                }
            }
        }

        // One task per image: its input gradient [H·W, C] cleared, then each output's gradient added at its maximum.
        public static void BackwardChannelsLast(float* gradOutput, int* indices, float* gradInput, long images, int channels, long inputSize, long outputSize)
        {
            var (g_, i_, r_) = ((nint)gradOutput, (nint)indices, (nint)gradInput);
            CpuSlices.For(images, 0, (image, _) =>
            {
                float* g = (float*)g_ + image * outputSize * channels, result = (float*)r_ + image * inputSize * channels;
                int* at = (int*)i_ + image * outputSize * channels;
                new Span<float>(result, checked((int)(inputSize * channels))).Clear();
                for (long o = 0; o < outputSize; o++)
                    for (int c = 0; c < channels; c++)
                        result[at[o * channels + c] * (long)channels + c] += g[o * channels + c];
            });
        }

        // libtorch's rule for a later position in the window: taken when greater, or NaN.
        private static Vector<int> Beats(Vector<float> v, Vector<float> best) => Vector.GreaterThan(v, best) | ~Vector.Equals(v, v);

        private static bool Beats(float v, float best) => v > best || float.IsNaN(v);
    }
}
