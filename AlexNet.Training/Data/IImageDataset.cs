namespace AlexNet.Training.Data;

/// <summary>
/// A labelled set of images already prepared to R×R (the paper's 256×256), read as planar C×R×R floats on the
/// raw 0–255 scale. Implementations are safe to read from several threads at once.
/// </summary>
public interface IImageDataset
{
    /// <summary>Number of images.</summary>
    int Count { get; }

    /// <summary>Channels per image: 3 (R, G, B) or 1 (gray).</summary>
    int Channels { get; }

    /// <summary>Prepared side R: every image is Size × Size.</summary>
    int Size { get; }

    /// <summary>Class names; a label is an index into this list.</summary>
    IReadOnlyList<string> ClassNames { get; }

    /// <summary>The label of image <paramref name="index"/>.</summary>
    /// <param name="index">0 … Count − 1.</param>
    int GetLabel(int index);

    /// <summary>Writes image <paramref name="index"/> to <paramref name="dest"/> as Channels × Size × Size floats, 0–255.</summary>
    /// <param name="index">0 … Count − 1.</param>
    /// <param name="dest">Channels × Size × Size values.</param>
    void ReadImage(int index, Span<float> dest);
}
