using AlexNet.Training.Data;

namespace AlexNet.Bench.Training;

/// <summary>
/// Random 8-bit RGB images already prepared to R×R, held in memory: stands in for a prepared ImageNet folder when
/// timing the paper preset's training step and loader (a real folder adds disk reads).
/// </summary>
/// <param name="count">Images.</param>
/// <param name="size">R (256).</param>
public sealed class SyntheticImages(int count, int size) : IImageDataset
{
    private readonly byte[] _pixels = RandomBytes(count * 3 * size * size);

    /// <inheritdoc/>
    public int Count => count;
    /// <inheritdoc/>
    public int Channels => 3;
    /// <inheritdoc/>
    public int Size => size;
    /// <inheritdoc/>
    public IReadOnlyList<string> ClassNames { get; } = Enumerable.Range(0, 1000).Select(i => $"class{i}").ToArray();
    /// <inheritdoc/>
    public int GetLabel(int index) => index % 1000;

    /// <inheritdoc/>
    public void ReadImage(int index, Span<float> dest)
    {
        var source = _pixels.AsSpan(index * dest.Length, dest.Length);
        for (int i = 0; i < dest.Length; i++) dest[i] = source[i];
    }

    private static byte[] RandomBytes(int n)
    {
        var bytes = new byte[n];
        new Random(1).NextBytes(bytes);
        return bytes;
    }
}
