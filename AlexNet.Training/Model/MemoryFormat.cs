using static TorchSharp.torch;

namespace AlexNet.Training.Model;

/// <summary>
/// How four-dimensional activations [N, C, H, W] lie in memory, as PyTorch's <c>torch.memory_format</c> names it. The
/// tensors are indexed [N, C, H, W] either way; only their strides differ.
/// </summary>
public enum MemoryFormat
{
    /// <summary><c>torch.contiguous_format</c>: NCHW, each channel's H × W plane in one piece.</summary>
    Contiguous,
    /// <summary><c>torch.channels_last</c>: NHWC, all channels of one pixel side by side, the layout oneDNN's CPU
    /// convolutions compute in without converting their input, output and gradients.</summary>
    ChannelsLast,
}

/// <summary>
/// Channels-last tensors made by hand: TorchSharp 0.107's <c>contiguous()</c> and <c>to()</c> take no memory format
/// (its <c>torch.memory_format</c> enum exists, and the factories that accept it ignore it), so NHWC memory is made
/// contiguous as [N, H, W, C] and viewed back as [N, C, H, W], which is what PyTorch's
/// <c>x.contiguous(memory_format=torch.channels_last)</c> returns.
/// </summary>
internal static class ChannelsLast
{
    /// <summary><paramref name="x"/> [N, C, H, W] with channels-last strides: a copy, or a new view of the same memory
    /// when it has them already.</summary>
    public static Tensor Of(Tensor x)
    {
        using var nhwc = x.permute(0, 2, 3, 1).contiguous();
        var last = nhwc.permute(0, 3, 1, 2);
        if (Is(last)) return last;
        // A dimension of size 1 (one input channel: Fashion-MNIST's conv1) leaves NCHW strides after the round trip,
        // the same memory as NHWC, but libtorch reads the layout from the strides and would run conv1 in NCHW. PyTorch's
        // contiguous(memory_format=torch.channels_last) sets the channels-last strides there too; so does this view.
        using (last) return nhwc.as_strided(x.shape, Strides(x.shape), nhwc.storage_offset());
    }

    private static long[] Strides(long[] shape)
    {
        long c = shape[1], h = shape[2], w = shape[3];
        return [h * w * c, 1, w * c, c];
    }

    /// <summary>The NHWC memory of <paramref name="x"/> as a contiguous [N, H, W, C] tensor (the same memory when it is
    /// channels-last already), for our kernels to read through a pointer.</summary>
    public static Tensor Nhwc(Tensor x) => x.permute(0, 2, 3, 1).contiguous();

    /// <summary>The memory of a channels-last tensor as a contiguous [N, H, W, C] view, to write through a pointer
    /// (TorchSharp hands out the memory of contiguous tensors only).</summary>
    public static Tensor Memory(Tensor x)
    {
        var view = x.permute(0, 2, 3, 1);
        if (!view.is_contiguous())
        {
            view.Dispose();
            throw new ArgumentException($"Expected channels-last strides, got [{string.Join(", ", x.stride())}] for shape [{string.Join(", ", x.shape)}].", nameof(x));
        }
        return view;
    }

    /// <summary>An uninitialised float32 CPU tensor of <paramref name="shape"/> [N, C, H, W] with channels-last strides,
    /// not a view, so that a custom autograd node may return it.</summary>
    public static Tensor Empty(long[] shape, ScalarType dtype = ScalarType.Float32)
    {
        return empty_strided(shape, Strides(shape), dtype);
    }

    /// <summary>Whether <paramref name="x"/> [N, C, H, W] has exactly the strides <see cref="Of"/> gives.</summary>
    public static bool Is(Tensor x)
    {
        return x.dim() == 4 && x.stride().SequenceEqual(Strides(x.shape));
    }
}
