using SkiaSharp;

namespace AlexNet.Onnx.Imaging;

/// <summary>
/// Pixel extraction as ML.NET's <c>ExtractPixels</c> does it with <c>interleavePixelColors: false</c>, no offset
/// and scale 1: planar C×H×W floats on the raw 0–255 scale the paper feeds (minus the mean, later). Three
/// channels are R, G, B planes. One channel is the red plane (<c>colorsToExtract: Red</c>), which for the gray
/// images a 1-channel model is trained on (decoded with R = G = B) is the gray value itself. Premultiplied
/// pixels are read as stored, like ML.NET.
/// </summary>
public static class PlanarPixels
{
    /// <summary>Writes the bitmap's pixels to <paramref name="dest"/> as planar floats, 0–255.</summary>
    /// <param name="bitmap">A BGRA 8888 or RGBA 8888 bitmap.</param>
    /// <param name="channels">3 for R, G, B planes; 1 for the red plane.</param>
    /// <param name="dest">channels × height × width values.</param>
    public static void Extract(SKBitmap bitmap, int channels, Span<float> dest) => Planes(bitmap, channels, dest);

    /// <summary>Writes the bitmap's pixels to <paramref name="dest"/> as planar bytes (for compact caches).</summary>
    /// <param name="bitmap">A BGRA 8888 or RGBA 8888 bitmap.</param>
    /// <param name="channels">3 for R, G, B planes; 1 for the red plane.</param>
    /// <param name="dest">channels × height × width values.</param>
    public static void Extract(SKBitmap bitmap, int channels, Span<byte> dest) => Planes(bitmap, channels, dest);

    // One loop for both element types; the JIT specialises it per value type.
    private static void Planes<T>(SKBitmap bitmap, int channels, Span<T> dest) where T : struct, System.Numerics.INumberBase<T>
    {
        var (rowBytes, offsets) = Layout(bitmap, channels, dest.Length);
        var rows = bitmap.GetPixelSpan();
        int w = bitmap.Width, plane = w * bitmap.Height;
        for (int y = 0; y < bitmap.Height; y++)
        {
            var row = rows.Slice(y * rowBytes, w * 4);
            for (int c = 0; c < channels; c++)
            {
                var d = dest.Slice(c * plane + y * w, w);
                int o = offsets[c];
                for (int x = 0; x < w; x++) d[x] = T.CreateTruncating(row[x * 4 + o]);
            }
        }
    }

    private static (int RowBytes, int[] Offsets) Layout(SKBitmap bitmap, int channels, int destLength)
    {
        ArgumentNullException.ThrowIfNull(bitmap);
        if (channels is not (1 or 3))
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "Use 3 (R, G, B planes) or 1 (the red plane).");
        int[] rgb = bitmap.ColorType switch
        {
            SKColorType.Bgra8888 => [2, 1, 0],
            SKColorType.Rgba8888 => [0, 1, 2],
            _ => throw new ArgumentException($"Pixel format {bitmap.ColorType} is not 32-bit BGRA/RGBA; decode with {nameof(ImageDecoder)}.", nameof(bitmap)),
        };
        long needed = (long)channels * bitmap.Width * bitmap.Height;
        if (destLength != needed)
            throw new ArgumentException($"Destination holds {destLength} values; {channels}x{bitmap.Height}x{bitmap.Width} needs {needed}.");
        return (bitmap.RowBytes, rgb[..channels]);
    }
}
