using AlexNet.Onnx.Imaging;
using AlexNet.Onnx.Metadata;

namespace AlexNet.Onnx.Runtime;

/// <summary>
/// Turns a prepared image (the R×R planar 0–255 image from <see cref="Imaging.PaperPreparation"/>) into the
/// network's input crop as a model's metadata says: scale each level, subtract the mean at the pixel's place
/// in the R×R image (section 2), divide by the channel std if any, and take an S×S window, optionally mirrored.
/// Windows are placed in the padded image (R + 2 × <see cref="ModelMetadata.CropPadding"/> on a side), whose
/// border is zero, i.e. the mean.
/// </summary>
public static class ImageCrops
{
    /// <summary>Offset of the centre crop on both axes in the padded image: (R + 2p − S) / 2, 14 for the paper's 256 and 227.</summary>
    /// <param name="metadata">The model's preprocessing settings.</param>
    public static int CentreOffset(ModelMetadata metadata) => CropWindow.CentreOffset(metadata.PaddedSize, metadata.InputSize);

    /// <summary>Writes one preprocessed crop.</summary>
    /// <param name="metadata">The model's preprocessing settings.</param>
    /// <param name="prepared">C×R×R planar values on the 0–255 scale, channels R, G, B (or gray).</param>
    /// <param name="window">The window in the padded image (the R×R image when there is no padding).</param>
    /// <param name="dest">C×S×S crop, in the model's channel order (mean and std are in that order too).</param>
    /// <exception cref="ArgumentException">A length or the window does not fit.</exception>
    public static void Crop(ModelMetadata metadata, ReadOnlySpan<float> prepared, CropWindow window, Span<float> dest) =>
        Crop(metadata, prepared, [window], dest);

    /// <summary>Writes several preprocessed crops of one image (the ten of <see cref="CropWindow.TenCrop"/>), one after another.</summary>
    /// <param name="metadata">The model's preprocessing settings.</param>
    /// <param name="prepared">C×R×R planar values on the 0–255 scale, channels R, G, B (or gray).</param>
    /// <param name="windows">The windows in the padded image (the R×R image when there is no padding).</param>
    /// <param name="dest">One C×S×S crop per window, in the model's channel order.</param>
    /// <exception cref="ArgumentException">A length or a window does not fit.</exception>
    public static void Crop(ModelMetadata metadata, ReadOnlySpan<float> prepared, IReadOnlyList<CropWindow> windows, Span<float> dest)
    {
        int c = metadata.InputChannels, r = metadata.ResizeSize, s = metadata.InputSize, pad = metadata.CropPadding, side = metadata.PaddedSize;
        if (prepared.Length != c * r * r)
            throw new ArgumentException($"The prepared image holds {prepared.Length} values; {c}×{r}×{r} needs {c * r * r}.", nameof(prepared));
        int one = c * s * s;
        if (dest.Length != windows.Count * one)
            throw new ArgumentException($"The crops hold {dest.Length} values; {windows.Count} of {c}×{s}×{s} need {windows.Count * one}.", nameof(dest));
        // The whole padded, normalised image once, then each window through the one cutting routine training uses too.
        var normalised = new float[c * side * side];
        var mean = metadata.Mean;
        for (int ch = 0; ch < c; ch++)
        {
            int source = metadata.ChannelOrder == ChannelOrder.Bgr ? c - 1 - ch : ch;
            float scale = metadata.PixelScale, inverseStd = metadata.ChannelStd is { } std ? 1f / std[ch] : 1f;
            for (int y = 0; y < r; y++)
            {
                var row = normalised.AsSpan((ch * side + y + pad) * side + pad, r);
                for (int x = 0; x < r; x++)
                    row[x] = (prepared[(source * r + y) * r + x] * scale - mean.At(ch, y, x)) * inverseStd;
            }
        }
        for (int k = 0; k < windows.Count; k++) windows[k].Cut(normalised, c, side, s, dest.Slice(k * one, one));
    }

    /// <summary>Writes the centre crop, the single-crop evaluation input.</summary>
    /// <param name="metadata">The model's preprocessing settings.</param>
    /// <param name="prepared">C×R×R planar values on the 0–255 scale.</param>
    /// <param name="dest">C×S×S crop.</param>
    public static void Centre(ModelMetadata metadata, ReadOnlySpan<float> prepared, Span<float> dest) =>
        Crop(metadata, prepared, CropWindow.Centre(metadata.PaddedSize, metadata.InputSize), dest);
}
