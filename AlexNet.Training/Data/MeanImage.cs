namespace AlexNet.Training.Data;

/// <summary>
/// The per-pixel mean of the training images, C×R×R on the 0–255 scale: the paper subtracts it from every image
/// before cropping (section 2). Stored with the model so serving subtracts the same values.
/// </summary>
public sealed class MeanImage
{
    /// <summary>Wraps existing mean values.</summary>
    /// <param name="channels">C.</param>
    /// <param name="size">R.</param>
    /// <param name="values">C × R × R values, planar.</param>
    public MeanImage(int channels, int size, float[] values)
    {
        if (values.Length != channels * size * size)
            throw new ArgumentException($"{values.Length} mean values given; a {channels}x{size}x{size} image needs {channels * size * size}.", nameof(values));
        Channels = channels;
        Size = size;
        Values = values;
    }

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

    /// <summary>Subtracts the mean from an image in place.</summary>
    /// <param name="image">C × R × R values.</param>
    public void Subtract(Span<float> image)
    {
        if (image.Length != Values.Length)
            throw new ArgumentException($"Image holds {image.Length} values; the {Channels}x{Size}x{Size} mean needs {Values.Length}.", nameof(image));
        var mean = Values.AsSpan();
        for (int i = 0; i < image.Length; i++) image[i] -= mean[i];
    }
}
