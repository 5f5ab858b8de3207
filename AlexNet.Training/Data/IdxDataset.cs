using AlexNet.Onnx.Datasets;
using AlexNet.Onnx.Imaging;

namespace AlexNet.Training.Data;

/// <summary>
/// A gray IDX image set (MNIST, Fashion-MNIST) prepared to Size × Size. Each image goes through the shared
/// imaging path (gray bytes → RGBA bitmap → <see cref="IsoCropResize"/>), so it equals what ML.NET serves for
/// the same image saved as PNG. The rows asked for are prepared once, in parallel, and kept as bytes
/// (70,000 × 32 × 32 is 72 MB; 60,000 × 256 × 256 would be 3.9 GB, more than one array holds, so only the rows a run
/// uses are prepared).
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

    /// <summary>Loads an images file and its labels file, and prepares the first images to <paramref name="size"/>.</summary>
    /// <param name="imagesPath">IDX images, [count, rows, columns].</param>
    /// <param name="labelsPath">IDX labels, [count].</param>
    /// <param name="size">Prepared side R (28 keeps the originals).</param>
    /// <param name="classNames">Names of the labels; "0" … "9" style names when null.</param>
    /// <param name="limit">Keep only the first <paramref name="limit"/> images (for quick runs and tests).</param>
    /// <exception cref="InvalidDataException">The files disagree with each other or with the class list, or the prepared
    /// images would not fit in memory; the message names the file.</exception>
    public static IdxDataset Load(string imagesPath, string labelsPath, int size, IReadOnlyList<string>? classNames = null, int? limit = null) =>
        Load(imagesPath, labelsPath, size, classNames, start: 0, limit);

    /// <summary>Loads an images file and its labels file, and prepares rows <paramref name="start"/> onwards to <paramref name="size"/>.</summary>
    /// <param name="imagesPath">IDX images, [count, rows, columns].</param>
    /// <param name="labelsPath">IDX labels, [count].</param>
    /// <param name="size">Prepared side R (28 keeps the originals).</param>
    /// <param name="classNames">Names of the labels; "0" … "9" style names when null.</param>
    /// <param name="start">First row kept.</param>
    /// <param name="count">Rows kept; the rest of the file when null.</param>
    /// <exception cref="InvalidDataException">The files disagree with each other or with the class list, the rows lie outside
    /// the file, or the prepared images would not fit in memory; the message names the file.</exception>
    public static IdxDataset Load(string imagesPath, string labelsPath, int size, IReadOnlyList<string>? classNames, int start, int? count) =>
        Read(imagesPath, labelsPath).Prepare(size, classNames, start, count);

    /// <summary>Reads and checks an images file and its labels file, preparing nothing yet.</summary>
    /// <param name="imagesPath">IDX images, [count, rows, columns].</param>
    /// <param name="labelsPath">IDX labels, [count].</param>
    /// <exception cref="InvalidDataException">The files disagree with each other; the message names the file.</exception>
    public static Source Read(string imagesPath, string labelsPath)
    {
        var images = IdxFile.Read(imagesPath);
        var labels = IdxFile.Read(labelsPath);
        if (images.Dimensions.Length != 3)
            throw new InvalidDataException($"{imagesPath}: expected images [count, rows, columns], the header gives [{string.Join(", ", images.Dimensions)}].");
        if (labels.Dimensions.Length != 1)
            throw new InvalidDataException($"{labelsPath}: expected labels [count], the header gives [{string.Join(", ", labels.Dimensions)}].");
        if (images.Count != labels.Count)
            throw new InvalidDataException($"{labelsPath}: {labels.Count:N0} labels for the {images.Count:N0} images of {imagesPath}.");
        return new Source(images, imagesPath, labels, labelsPath);
    }

    /// <summary>An images file and its labels file, read and checked, from which row ranges are prepared.</summary>
    /// <param name="Images">The images.</param>
    /// <param name="ImagesPath">Their file, for messages.</param>
    /// <param name="Labels">The labels.</param>
    /// <param name="LabelsPath">Their file, for messages.</param>
    public sealed record Source(IdxArray Images, string ImagesPath, IdxArray Labels, string LabelsPath)
    {
        /// <summary>Images in the file.</summary>
        public int Count => Images.Count;

        /// <summary>Prepares rows <paramref name="start"/> onwards to <paramref name="size"/>.</summary>
        /// <param name="size">Prepared side R (28 keeps the originals).</param>
        /// <param name="classNames">Names of the labels; "0" … "9" style names when null.</param>
        /// <param name="start">First row kept.</param>
        /// <param name="count">Rows kept; the rest of the file when null.</param>
        /// <exception cref="InvalidDataException">A label lies outside the class list, the rows lie outside the file, or the
        /// prepared images would not fit in one array; the message names the file and what to pass.</exception>
        public IdxDataset Prepare(int size, IReadOnlyList<string>? classNames, int start, int? count)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
            var (images, imagesPath, labels, labelsPath) = this;
            if (start < 0 || start > images.Count)
                throw new InvalidDataException($"{imagesPath}: row {start:N0} asked for, but the file holds {images.Count:N0} images.");
            int rows = Math.Min(images.Count - start, count ?? int.MaxValue), plane = size * size;
            // One byte array holds them all; past Array.MaxLength the offsets below would overflow.
            long bytes = (long)rows * plane;
            if (bytes > Array.MaxLength)
                throw new InvalidDataException(
                    $"{imagesPath}: {rows:N0} images prepared at {size}×{size} take {bytes / 1073741824.0:F1} GiB, more than one array holds " +
                    $"({Array.MaxLength / 1073741824.0:F1} GiB); take at most {Array.MaxLength / plane:N0} images at this size (the trainer's --train-limit), " +
                    "or prepare them smaller (--resize-size).");
            var kept = labels.Data.AsSpan(start, rows);
            int maxLabel = rows == 0 ? 0 : kept.ToArray().Max();
            classNames ??= Enumerable.Range(0, maxLabel + 1).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            for (int i = 0; i < rows; i++)
                if (kept[i] >= classNames.Count)
                    throw new InvalidDataException($"{labelsPath}: label {kept[i]} at row {start + i} is outside the {classNames.Count} classes.");

            int height = images.Dimensions[1], width = images.Dimensions[2], itemSize = images.ItemSize;
            var pixels = new byte[bytes];
            Parallel.For(0, rows, i =>
            {
                var source = images.Data.AsSpan((start + i) * itemSize, itemSize);
                using var bitmap = GrayImage.ToBitmap(source, width, height);
                using var resized = IsoCropResize.Resize(bitmap, size);
                PlanarPixels.Extract(resized, 1, pixels.AsSpan(i * plane, plane));
            });
            return new IdxDataset(pixels, labels.Data[start..(start + rows)], size, classNames);
        }
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
