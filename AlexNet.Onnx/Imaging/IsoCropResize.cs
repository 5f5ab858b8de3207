using SkiaSharp;

namespace AlexNet.Onnx.Imaging;

/// <summary>
/// The paper's preparation (section 2): scale the image so its shorter side fits, then cut out the central
/// patch. Implemented with the same SkiaSharp calls, rectangles and float rounding as ML.NET 5.0.1's
/// <c>ResizeImages(…, resizing: IsoCrop, cropAnchor: Center)</c> (<c>MLImage.ResizeWithCrop</c>): the whole image is
/// drawn with <c>SKFilterQuality.High</c> into an opaque canvas of the target size at integer offsets truncated
/// toward zero, so training and ML.NET serving see the same pixels. An image already at the target size is
/// returned unchanged (copied), as ML.NET passes it through.
/// </summary>
public static class IsoCropResize
{
    /// <summary>Resizes to a square: shorter side to <paramref name="side"/>, central side × side patch.</summary>
    /// <param name="source">A decoded 32-bit bitmap.</param>
    /// <param name="side">Target side (256 in the paper).</param>
    /// <returns>A new bitmap the caller disposes.</returns>
    public static SKBitmap Resize(SKBitmap source, int side) => Resize(source, side, side);

    /// <summary>Resizes to width × height preserving the aspect ratio, cropping the overflow around the centre.</summary>
    /// <param name="source">A decoded 32-bit bitmap.</param>
    /// <param name="width">Target width.</param>
    /// <param name="height">Target height.</param>
    /// <returns>A new bitmap the caller disposes.</returns>
    public static SKBitmap Resize(SKBitmap source, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        if (source.Width == width && source.Height == height)
            return source.Copy() ?? throw new InvalidOperationException("Copying the bitmap failed.");

        // Float arithmetic and (int) truncation exactly as ML.NET's ResizeWithCrop, centre anchor.
        float widthAspect = (float)width / source.Width;
        float heightAspect = (float)height / source.Height;
        int destX = 0, destY = 0;
        float aspect;
        if (heightAspect < widthAspect)
        {
            aspect = widthAspect;
            destY = (int)((height - (source.Height * aspect)) / 2);
        }
        else
        {
            aspect = heightAspect;
            destX = (int)((width - (source.Width * aspect)) / 2);
        }
        int destWidth = (int)(source.Width * aspect);
        int destHeight = (int)(source.Height * aspect);

        var dest = new SKBitmap(width, height, isOpaque: true);
        // ML.NET leaves the canvas uninitialised; when float truncation leaves a one-pixel strip undrawn we
        // get zeros there instead of whatever memory held.
        dest.Erase(SKColors.Transparent);
        var srcRect = new SKRect(0, 0, source.Width, source.Height);
        var destRect = new SKRect(destX, destY, destX + destWidth, destY + destHeight);
        using var canvas = new SKCanvas(dest);
        using var paint = new SKPaint { FilterQuality = SKFilterQuality.High };
        canvas.DrawBitmap(source, srcRect, destRect, paint);
        return dest;
    }
}
