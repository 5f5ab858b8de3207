using AlexNet.Onnx.Imaging;

namespace AlexNet.Training.Data;

/// <summary>
/// A gray IDX image set (MNIST, Fashion-MNIST) prepared to Size × Size. Each image goes through the shared
/// imaging path (gray bytes → RGBA bitmap → <see cref="IsoCropResize"/>), so it equals what ML.NET serves for
/// the same image saved as PNG. All images are prepared once, in parallel, and kept as bytes
/// (70,000 × 32 × 32 is 72 MB).
/// </summary>
public sealed class IdxDataset : IImageDataset
{
    private readonly byte[] _pixels;
    private readonly byte[] _labels;

    private IdxDataset(byte[] pixels, byte[] labels, int size, IReadOnlyList<string> classNames)
    {
        _pixels = pixels;
        _labels = labels;
        Size = size;
        ClassNames = classNames;
    }

    /// <inheritdoc/>
    public int Count => _labels.Length;

    /// <inheritdoc/>
    public int Channels => 1;

    /// <inheritdoc/>
    public int Size { get; }

    /// <inheritdoc/>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Loads an images file and its labels file, and prepares every image to <paramref name="size"/>.</summary>
    /// <param name="imagesPath">IDX images, [count, rows, columns].</param>
    /// <param name="labelsPath">IDX labels, [count].</param>
    /// <param name="size">Prepared side R (28 keeps the originals).</param>
    /// <param name="classNames">Names of the labels; "0" … "9" style names when null.</param>
    /// <param name="limit">Keep only the first <paramref name="limit"/> images (for quick runs and tests).</param>
    /// <exception cref="InvalidDataException">The files disagree with each other or with the class list; the message names the file.</exception>
    public static IdxDataset Load(string imagesPath, string labelsPath, int size, IReadOnlyList<string>? classNames = null, int? limit = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        var images = IdxFile.Read(imagesPath);
        var labels = IdxFile.Read(labelsPath);
        if (images.Dimensions.Length != 3)
            throw new InvalidDataException($"{imagesPath}: expected images [count, rows, columns], the header gives [{string.Join(", ", images.Dimensions)}].");
        if (labels.Dimensions.Length != 1)
            throw new InvalidDataException($"{labelsPath}: expected labels [count], the header gives [{string.Join(", ", labels.Dimensions)}].");
        if (images.Count != labels.Count)
            throw new InvalidDataException($"{labelsPath}: {labels.Count:N0} labels for the {images.Count:N0} images of {imagesPath}.");

        int count = Math.Min(images.Count, limit ?? int.MaxValue);
        int maxLabel = labels.Data.AsSpan(0, count).ToArray().DefaultIfEmpty().Max();
        classNames ??= Enumerable.Range(0, maxLabel + 1).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        for (int i = 0; i < count; i++)
            if (labels.Data[i] >= classNames.Count)
                throw new InvalidDataException($"{labelsPath}: label {labels.Data[i]} at row {i} is outside the {classNames.Count} classes.");

        int rows = images.Dimensions[1], cols = images.Dimensions[2], itemSize = images.ItemSize, plane = size * size;
        var pixels = new byte[(long)count * plane];
        Parallel.For(0, count, i =>
        {
            var source = images.Data.AsSpan(i * itemSize, itemSize);
            using var bitmap = GrayImage.ToBitmap(source, cols, rows);
            using var resized = IsoCropResize.Resize(bitmap, size);
            PlanarPixels.Extract(resized, 1, pixels.AsSpan(i * plane, plane));
        });
        return new IdxDataset(pixels, labels.Data[..count], size, classNames);
    }

    /// <inheritdoc/>
    public int GetLabel(int index) => _labels[index];

    /// <inheritdoc/>
    public void ReadImage(int index, Span<float> dest)
    {
        int plane = Size * Size;
        if (dest.Length != plane)
            throw new ArgumentException($"Destination holds {dest.Length} values; a 1x{Size}x{Size} image needs {plane}.", nameof(dest));
        var source = _pixels.AsSpan(index * plane, plane);
        for (int i = 0; i < plane; i++) dest[i] = source[i];
    }
}
