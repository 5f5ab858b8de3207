namespace AlexNet.Onnx.Imaging;

/// <summary>Which S×S windows of the prepared R×R image the network sees: one geometry for training, evaluation and serving.</summary>
public enum CropMode
{
    /// <summary>
    /// The paper's test-time averaging (section 4.1): the four corner crops and the centre crop, then their
    /// horizontal reflections, ten softmax outputs averaged. Order: top-left, top-right, bottom-left, bottom-right,
    /// centre, then the same five mirrored (torchvision's <c>TenCrop</c> order); see <see cref="CropWindow.TenCrop"/>.
    /// </summary>
    TenCrop,
    /// <summary>The single centre crop at offset (R + 2p − S) / 2 on both axes (p the crop padding): one network pass, the usual single-crop evaluation.</summary>
    CentreCrop,
    /// <summary>
    /// Serving only: the whole R×R image, mean subtracted, resized to S×S inside the serving graph (ONNX <c>Resize</c>,
    /// linear, half-pixel); when R equals S it goes in unchanged. The network then sees the full field of view at a
    /// slightly smaller scale than in training; one network pass.
    /// </summary>
    WholeImage,
    /// <summary>Training only (section 4.1): a random window and, with probability ½, its reflection, drawn per image.</summary>
    Random,
}

/// <summary>
/// One S×S window of a square image of side R (the prepared image, or the padded one where there is crop padding),
/// optionally mirrored. The training loader, the evaluator, the ONNX Runtime scorer and the serving graph builder all
/// take their windows from here, and all but the graph builder (which writes them as ONNX Slices) cut them with
/// <see cref="Cut"/>.
/// </summary>
/// <param name="Top">First row in the image.</param>
/// <param name="Left">First column in the image.</param>
/// <param name="Mirror">Whether the window is reflected horizontally (the paper's flips, section 4.1): column j of the
/// crop is column S − 1 − j of the window.</param>
public readonly record struct CropWindow(int Top, int Left, bool Mirror)
{
    /// <summary>
    /// The ten windows of <see cref="CropMode.TenCrop"/> in order: top-left, top-right, bottom-left, bottom-right,
    /// centre, then the same five mirrored. The centre sits at (R − S) / 2, rounded down.
    /// </summary>
    /// <param name="side">R, the side of the image the windows are cut from (256 in the paper).</param>
    /// <param name="size">S, the side of the crop (227).</param>
    public static IReadOnlyList<CropWindow> TenCrop(int side, int size)
    {
        Check(side, size);
        int far = side - size, centre = CentreOffset(side, size);
        (int, int)[] corners = [(0, 0), (0, far), (far, 0), (far, far), (centre, centre)];
        return [.. corners.Select(c => new CropWindow(c.Item1, c.Item2, false)),
                .. corners.Select(c => new CropWindow(c.Item1, c.Item2, true))];
    }

    /// <summary>The centre window of <see cref="CropMode.CentreCrop"/>.</summary>
    /// <param name="side">R.</param>
    /// <param name="size">S.</param>
    public static CropWindow Centre(int side, int size)
    {
        Check(side, size);
        return new(CentreOffset(side, size), CentreOffset(side, size), false);
    }

    /// <summary>Offset of the centre window on both axes: (R − S) / 2, rounded down (14 for the paper's 256 and 227).</summary>
    /// <param name="side">R.</param>
    /// <param name="size">S.</param>
    public static int CentreOffset(int side, int size) => (side - size) / 2;

    /// <summary>The fixed windows of an evaluation mode: ten for <see cref="CropMode.TenCrop"/>, one for <see cref="CropMode.CentreCrop"/>.</summary>
    /// <param name="mode">TenCrop or CentreCrop.</param>
    /// <param name="side">R.</param>
    /// <param name="size">S.</param>
    /// <exception cref="ArgumentException">Random windows are drawn per image, and the whole image is no window.</exception>
    public static IReadOnlyList<CropWindow> For(CropMode mode, int side, int size) => mode switch
    {
        CropMode.TenCrop => TenCrop(side, size),
        CropMode.CentreCrop => [Centre(side, size)],
        _ => throw new ArgumentException($"{mode} has no fixed windows; evaluation uses TenCrop or CentreCrop.", nameof(mode)),
    };

    /// <summary>Copies this window of a planar C×R×R image into <paramref name="dest"/>, mirrored when <see cref="Mirror"/>.</summary>
    /// <param name="image">C × R × R values, planar.</param>
    /// <param name="channels">C.</param>
    /// <param name="side">R.</param>
    /// <param name="size">S.</param>
    /// <param name="dest">C × S × S values.</param>
    /// <exception cref="ArgumentException">A length or the window does not fit.</exception>
    public void Cut(ReadOnlySpan<float> image, int channels, int side, int size, Span<float> dest)
    {
        if (size < 1 || size > side) throw new ArgumentOutOfRangeException(nameof(size), size, $"The crop must be 1…{side}.");
        if (Top < 0 || Left < 0 || Top + size > side || Left + size > side)
            throw new ArgumentException($"A {size}×{size} window at ({Top}, {Left}) leaves the {side}×{side} image.");
        if (image.Length != channels * side * side) throw new ArgumentException($"The image holds {image.Length} values, not {channels}×{side}×{side}.", nameof(image));
        if (dest.Length != channels * size * size) throw new ArgumentException($"The crop holds {dest.Length} values, not {channels}×{size}×{size}.", nameof(dest));
        for (int c = 0; c < channels; c++)
            for (int row = 0; row < size; row++)
            {
                var source = image.Slice((c * side + Top + row) * side + Left, size);
                var target = dest.Slice((c * size + row) * size, size);
                if (!Mirror) source.CopyTo(target);
                else for (int j = 0; j < size; j++) target[j] = source[size - 1 - j];
            }
    }

    private static void Check(int side, int size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(side, size);
    }
}
