using AlexNet.Onnx.Model;

namespace AlexNet.Training.Data;

/// <summary>
/// The per-pixel mean of the training images, C×R×R on the 0–255 scale: the paper subtracts it from every image
/// before cropping (section 2). Stored with the model so serving subtracts the same values. A model with fixed
/// per-channel statistics (torchvision's) has a flat mean image and a per-channel divisor as well.
/// </summary>
public sealed class MeanImage
{
    /// <summary>Wraps existing mean values.</summary>
    /// <param name="channels">C.</param>
    /// <param name="size">R.</param>
    /// <param name="values">C × R × R values, planar.</param>
    /// <param name="channelStd">Per-channel divisors applied after the mean, on the 0–1 scale (the levels are divided by
    /// 255 × std); null divides by nothing, as the paper does.</param>
    public MeanImage(int channels, int size, float[] values, IReadOnlyList<float>? channelStd = null)
    {
        if (values.Length != channels * size * size)
            throw new ArgumentException($"{values.Length} mean values given; a {channels}x{size}x{size} image needs {channels * size * size}.", nameof(values));
        if (channelStd is not null && (channelStd.Count != channels || channelStd.Any(v => !(v > 0))))
            throw new ArgumentException($"The std needs {channels} positive values, got [{string.Join(", ", channelStd)}].", nameof(channelStd));
        Channels = channels;
        Size = size;
        Values = values;
        ChannelStd = channelStd;
    }

    /// <summary>A flat mean image and divisors from fixed per-channel statistics: the levels become
    /// (level − 255·mean) / std, which the pixel scale 1/255 turns into (level/255 − mean) / std.</summary>
    /// <param name="statistics">Mean and std per channel on the 0–1 scale.</param>
    /// <param name="size">R.</param>
    public static MeanImage FromStatistics(ChannelStatistics statistics, int size)
    {
        int channels = statistics.Mean.Count, plane = size * size;
        var values = new float[channels * plane];
        for (int c = 0; c < channels; c++) values.AsSpan(c * plane, plane).Fill(statistics.Mean[c] * 255f);
        return new MeanImage(channels, size, values, statistics.Std);
    }

    /// <summary>Per-channel divisors on the 0–1 scale, or null.</summary>
    public IReadOnlyList<float>? ChannelStd { get; }

    /// <summary>C.</summary>
    public int Channels { get; }

    /// <summary>R.</summary>
    public int Size { get; }

    /// <summary>C × R × R values, planar, 0–255.</summary>
    public float[] Values { get; }

    /// <summary>
    /// Averages the images of a dataset, in parallel. Pixel values are whole numbers, so the per-thread double
    /// sums are exact and the result does not depend on the thread count or timing.
    /// </summary>
    /// <param name="dataset">The training set.</param>
    /// <param name="indices">The images to average (the training split); all when null.</param>
    /// <param name="maxDegreeOfParallelism">Threads; all cores when null.</param>
    public static MeanImage Compute(IImageDataset dataset, IReadOnlyList<int>? indices = null, int? maxDegreeOfParallelism = null)
    {
        int length = dataset.Channels * dataset.Size * dataset.Size;
        int count = indices?.Count ?? dataset.Count;
        if (count == 0) throw new ArgumentException("The mean of no images is undefined.", nameof(indices));
        var total = new double[length];
        var gate = new object();
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism ?? -1 },
            () => (Sum: new double[length], Image: new float[length]),
            (i, _, local) =>
            {
                dataset.ReadImage(indices?[i] ?? i, local.Image);
                for (int k = 0; k < length; k++) local.Sum[k] += local.Image[k];
                return local;
            },
            local =>
            {
                lock (gate)
                    for (int k = 0; k < length; k++) total[k] += local.Sum[k];
            });
        var mean = new float[length];
        for (int k = 0; k < length; k++) mean[k] = (float)(total[k] / count);
        return new MeanImage(dataset.Channels, dataset.Size, mean);
    }

    /// <summary>Subtracts the mean from an image in place, then divides each channel by its std when there is one.</summary>
    /// <param name="image">C × R × R values.</param>
    public void Normalise(Span<float> image)
    {
        if (image.Length != Values.Length)
            throw new ArgumentException($"Image holds {image.Length} values; the {Channels}x{Size}x{Size} mean needs {Values.Length}.", nameof(image));
        var mean = Values.AsSpan();
        for (int i = 0; i < image.Length; i++) image[i] -= mean[i];
        if (ChannelStd is null) return;
        int plane = Size * Size;
        for (int c = 0; c < Channels; c++)
        {
            float inverse = 1f / ChannelStd[c];
            foreach (ref var v in image.Slice(c * plane, plane)) v *= inverse;
        }
    }
}
