using AlexNet.Training.Data;

namespace AlexNet.Training.Tests.Data;

/// <summary>A small in-memory dataset with chosen pixels, for checking the arithmetic of the data pipeline.</summary>
internal sealed class ArrayDataset(int channels, int size, float[][] images, int[] labels) : IImageDataset
{
    private int _reads;

    public int Count => images.Length;
    public int Channels => channels;
    public int Size => size;
    public IReadOnlyList<string> ClassNames { get; } = labels.Distinct().Order().Select(l => l.ToString()).ToArray();
    /// <summary>Images read so far.</summary>
    public int Reads => Volatile.Read(ref _reads);
    public int GetLabel(int index) => labels[index];

    public void ReadImage(int index, Span<float> dest)
    {
        images[index].CopyTo(dest);
        Interlocked.Increment(ref _reads);
    }

    /// <summary>Images whose pixel values encode (image, channel, row, column), all whole numbers 0–255.</summary>
    public static ArrayDataset Patterned(int count, int channels, int size) => new(channels, size,
        Enumerable.Range(0, count).Select(n => Enumerable.Range(0, channels * size * size)
            .Select(k => (float)((n * 37 + k * 11 + (k / (size * size)) * 50) % 256)).ToArray()).ToArray(),
        Enumerable.Range(0, count).Select(n => n % 3).ToArray());
}
