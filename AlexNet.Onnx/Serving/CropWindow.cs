namespace AlexNet.Onnx.Serving;

/// <summary>One S×S window of the prepared R×R image.</summary>
/// <param name="Top">First row in the R×R image.</param>
/// <param name="Left">First column in the R×R image.</param>
/// <param name="Mirror">Whether the window is reflected horizontally (the paper's flips, section 4.1).</param>
public readonly record struct CropWindow(int Top, int Left, bool Mirror)
{
    /// <summary>
    /// The ten windows of <see cref="CropMode.TenCrop"/> in graph order: top-left, top-right, bottom-left,
    /// bottom-right, centre, then the same five mirrored. The centre sits at (R − S) / 2, rounded down.
    /// </summary>
    /// <param name="resizeSize">R, the side of the prepared image (256 in the paper).</param>
    /// <param name="inputSize">S, the side of the crop (227).</param>
    public static IReadOnlyList<CropWindow> TenCrop(int resizeSize, int inputSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(resizeSize, inputSize);
        int far = resizeSize - inputSize, centre = far / 2;
        (int, int)[] corners = [(0, 0), (0, far), (far, 0), (far, far), (centre, centre)];
        return [.. corners.Select(c => new CropWindow(c.Item1, c.Item2, false)),
                .. corners.Select(c => new CropWindow(c.Item1, c.Item2, true))];
    }

    /// <summary>The centre window of <see cref="CropMode.CentreCrop"/>.</summary>
    /// <param name="resizeSize">R.</param>
    /// <param name="inputSize">S.</param>
    public static CropWindow Centre(int resizeSize, int inputSize) =>
        new((resizeSize - inputSize) / 2, (resizeSize - inputSize) / 2, false);
}
