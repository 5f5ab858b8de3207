using SkiaSharp;

namespace AlexNet.Onnx.Imaging;

/// <summary>
/// Decode → <see cref="IsoCropResize"/> → <see cref="PlanarPixels"/> in one call: the R×R planar image the
/// network's preprocessing starts from, identical to ML.NET's <c>LoadImages → ResizeImages(IsoCrop, Center) →
/// ExtractPixels</c> on the same file.
/// </summary>
public static class PaperPreparation
{
    /// <summary>Loads an image file as a side × side planar image on the 0–255 scale.</summary>
    /// <param name="path">The image file.</param>
    /// <param name="side">The prepared side R (256 in the paper).</param>
    /// <param name="channels">3 (R, G, B) or 1 (the red plane, i.e. the gray value of a gray image).</param>
    /// <param name="dest">channels × side × side values.</param>
    /// <param name="options">Decoding limits; the defaults when null.</param>
    /// <exception cref="ImageDecodeException">The file cannot be decoded; the message names it.</exception>
    public static void Load(string path, int side, int channels, Span<float> dest, ImageDecodeOptions? options = null)
    {
        using var decoded = ImageDecoder.Decode(path, options);
        using var resized = IsoCropResize.Resize(decoded, side);
        PlanarPixels.Extract(resized, channels, dest);
    }

    /// <summary>Loads an image file as a side × side planar image of bytes (for in-memory caches).</summary>
    /// <param name="path">The image file.</param>
    /// <param name="side">The prepared side R.</param>
    /// <param name="channels">3 or 1, as in <see cref="Load(string, int, int, Span{float}, ImageDecodeOptions?)"/>.</param>
    /// <param name="dest">channels × side × side values.</param>
    /// <param name="options">Decoding limits; the defaults when null.</param>
    /// <exception cref="ImageDecodeException">The file cannot be decoded; the message names it.</exception>
    public static void Load(string path, int side, int channels, Span<byte> dest, ImageDecodeOptions? options = null)
    {
        using var decoded = ImageDecoder.Decode(path, options);
        using var resized = IsoCropResize.Resize(decoded, side);
        PlanarPixels.Extract(resized, channels, dest);
    }

    /// <summary>Decodes and resizes a file to side × side, for writing a prepared copy.</summary>
    /// <param name="path">The image file.</param>
    /// <param name="side">The prepared side R.</param>
    /// <param name="options">Decoding limits; the defaults when null.</param>
    /// <returns>A bitmap the caller disposes.</returns>
    public static SKBitmap Resize(string path, int side, ImageDecodeOptions? options = null)
    {
        using var decoded = ImageDecoder.Decode(path, options);
        return IsoCropResize.Resize(decoded, side);
    }
}
