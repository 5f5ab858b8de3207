using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace AlexNet.Training.Model;

/// <summary>
/// A strided convolution, computed for training as a stride-1 convolution of the input rearranged space-to-depth:
/// every s×s block of pixels becomes s² channels, the k×k kernel (zero-padded to a multiple of s) becomes ⌈k/s⌉×⌈k/s⌉
/// taps over s²·C channels. Same sums, other order. libtorch's (oneDNN's) gradient of the paper's conv1 (11×11, stride
/// 4, 3 input channels) is slow: 2.1 s of a 12 s paper step at batch 128 against 0.5 s this way, for a forward 0.2 s
/// slower (docs/notes-lrn.md). Without gradients (evaluation, a frozen layer) the direct convolution runs, being the
/// faster forward.
/// </summary>
public static class StridedConvolution
{
    /// <summary>F.conv2d with square stride and padding; space-to-depth when <paramref name="stride"/> &gt; 1 and the
    /// weights need a gradient.</summary>
    /// <param name="x">Input [N, C, H, W].</param>
    /// <param name="weight">Kernels [O, C / groups, kh, kw].</param>
    /// <param name="bias">Biases [O], or null.</param>
    /// <param name="stride">Stride in both directions.</param>
    /// <param name="padding">Zero padding on every side.</param>
    /// <param name="groups">Groups, as F.conv2d's.</param>
    public static Tensor Conv2d(Tensor x, Tensor weight, Tensor? bias, int stride, int padding, int groups = 1)
    {
        if (stride == 1 || !weight.requires_grad || !is_grad_enabled())
            return F.conv2d(x, weight, bias, strides: [stride, stride], padding: [padding, padding], groups: groups);
        return SpaceToDepth(x, weight, bias, stride, padding, groups);
    }

    /// <summary>The space-to-depth form, whatever the gradients (tests compare it with F.conv2d).</summary>
    /// <param name="x">Input [N, C, H, W].</param>
    /// <param name="weight">Kernels [O, C / groups, kh, kw].</param>
    /// <param name="bias">Biases [O], or null.</param>
    /// <param name="stride">Stride in both directions.</param>
    /// <param name="padding">Zero padding on every side.</param>
    /// <param name="groups">Groups, as F.conv2d's.</param>
    public static Tensor SpaceToDepth(Tensor x, Tensor weight, Tensor? bias, int stride, int padding, int groups = 1)
    {
        long n = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3];
        long o = weight.shape[0], ci = weight.shape[1], kh = weight.shape[2], kw = weight.shape[3];
        long s = stride, outH = (h + 2 * padding - kh) / s + 1, outW = (w + 2 * padding - kw) / s + 1;
        if (outH < 1 || outW < 1) throw new ArgumentException($"A {kh}×{kw} kernel does not fit a {h}×{w} input padded by {padding}.", nameof(x));
        long bh = (kh + s - 1) / s, bw = (kw + s - 1) / s;   // taps of the rearranged kernel
        long hs = outH + bh - 1, ws = outW + bw - 1;         // sides of the rearranged input
        using var scope = NewDisposeScope();
        // Pad (or crop, for a negative amount: rows the kernel never reaches) to exactly s·hs × s·ws.
        var padded = F.pad(x, [padding, s * ws - w - padding, padding, s * hs - h - padding]);
        // Channel c·s² + r·s + q holds pixel (s·y + r, s·x + q) of channel c: groups stay contiguous.
        var blocks = padded.view(n, c, hs, s, ws, s).permute(0, 1, 3, 5, 2, 4).reshape(n, c * s * s, hs, ws);
        var kernel = F.pad(weight, [0, bw * s - kw, 0, bh * s - kh])
            .view(o, ci, bh, s, bw, s).permute(0, 1, 3, 5, 2, 4).reshape(o, ci * s * s, bh, bw);
        return F.conv2d(blocks, kernel, bias, groups: groups).MoveToOuterDisposeScope();
    }
}
