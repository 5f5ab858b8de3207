using SkiaSharp;

namespace AlexNet.Onnx.Imaging;

/// <summary>
/// Turns raw 8-bit gray pixels (an IDX image) into the RGBA bitmap ML.NET's <c>MLImage.CreateFromPixels</c> would
/// build (R = G = B = value, A = 255), so it resizes through <see cref="IsoCropResize"/> exactly like the same
/// image saved as PNG and loaded by ML.NET.
/// </summary>
public static class GrayImage
{
    /// <summary>Builds an RGBA 8888 bitmap from row-major gray bytes.</summary>
    /// <param name="pixels">width × height gray values, row by row.</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    /// <returns>A bitmap the caller disposes.</returns>
    public static SKBitmap ToBitmap(ReadOnlySpan<byte> pixels, int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        if (pixels.Length != width * height)
            throw new ArgumentException($"{pixels.Length} gray values given; a {width}x{height} image needs {width * height}.", nameof(pixels));
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888));
        if (bitmap.RowBytes != width * 4) throw new InvalidOperationException("Unexpected row padding in a new bitmap.");
        var rgba = new byte[pixels.Length * 4];
        for (int i = 0; i < pixels.Length; i++)
        {
            byte v = pixels[i];
            rgba[4 * i] = v;
            rgba[4 * i + 1] = v;
            rgba[4 * i + 2] = v;
            rgba[4 * i + 3] = 255;
        }
        System.Runtime.InteropServices.Marshal.Copy(rgba, 0, bitmap.GetPixels(), rgba.Length);
        return bitmap;
    }
}
