using SkiaSharp;

namespace AlexNet.Onnx.Imaging;

/// <summary>What an image file's header says, read without decoding its pixels.</summary>
/// <param name="Width">Width in pixels.</param>
/// <param name="Height">Height in pixels.</param>
/// <param name="Format">Encoded format (JPEG, PNG, WebP, BMP, GIF, …).</param>
/// <param name="IsGray">True when the file stores one gray channel (decoded, it becomes R = G = B).</param>
public sealed record ImageHeader(int Width, int Height, SKEncodedImageFormat Format, bool IsGray)
{
    /// <summary>Width × height.</summary>
    public long Pixels => (long)Width * Height;
}
