using AlexNet.Training.Data;

namespace AlexNet.MLNet.Training.Data;

/// <summary>
/// Labelled images already prepared to R×R (shorter side to R, central R×R patch), held as planar C×R×R bytes: the
/// training set the ML.NET trainer hands to AlexNet.Training's <c>Trainer</c>, which cuts its crops from them as it does
/// from an image folder. Memory: N × C × R × R bytes (N images; the small preset's 3×32×32 is 3 KiB an image, the
/// paper's and torchvision's 3×256×256 192 KiB, so 1,000 photos take 188 MiB).
/// </summary>
internal sealed class InMemoryImages : IImageDataset
{
    private readonly byte[][] _pixels;
    private readonly int[] _labels;

    /// <param name="pixels">One C×R×R planar image per row, 0–255.</param>
    /// <param name="labels">0-based class of each image.</param>
    /// <param name="classNames">Class names in label order.</param>
    /// <param name="channels">C.</param>
    /// <param name="size">R.</param>
    public InMemoryImages(byte[][] pixels, int[] labels, IReadOnlyList<string> classNames, int channels, int size)
    {
        _pixels = pixels;
        _labels = labels;
        ClassNames = classNames;
        Channels = channels;
        Size = size;
    }

    public int Count => _pixels.Length;
    public int Channels { get; }
    public int Size { get; }
    public IReadOnlyList<string> ClassNames { get; }
    public int GetLabel(int index) => _labels[index];

    public void ReadImage(int index, Span<float> dest)
    {
        var bytes = _pixels[index];
        if (dest.Length != bytes.Length)
            throw new ArgumentException($"Destination holds {dest.Length} values; a {Channels}x{Size}x{Size} image needs {bytes.Length}.", nameof(dest));
        for (int i = 0; i < bytes.Length; i++) dest[i] = bytes[i];
    }

    /// <summary>The images at <paramref name="rows"/>, in that order.</summary>
    public InMemoryImages Take(IEnumerable<int> rows)
    {
        var kept = rows.ToArray();
        return new InMemoryImages([.. kept.Select(i => _pixels[i])], [.. kept.Select(i => _labels[i])], ClassNames, Channels, Size);
    }
}
