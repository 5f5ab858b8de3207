using System.Buffers.Binary;
using SkiaSharp;

namespace AlexNet.Onnx.Imaging;

/// <summary>
/// Decodes JPEG, PNG, WebP, BMP and GIF files with SkiaSharp into a 32-bit bitmap exactly as ML.NET 5.0.1's
/// <c>MLImage.CreateFromStream</c> (behind <c>LoadImages</c>) does: <c>SKBitmap.Decode</c>'s steps (the codec's own
/// colour type, unpremultiplied alpha made premultiplied, no colour-space conversion), then any colour type other
/// than BGRA/RGBA 8888 (gray JPEGs, 16-bit PNGs) copied to BGRA 8888. Unlike ML.NET it checks the header's
/// size before allocating and names the file in every error.
/// </summary>
public static class ImageDecoder
{
    /// <summary>Decodes an image file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="options">Pixel limit and truncation leniency; <see cref="ImageDecodeOptions.Default"/> when null.</param>
    /// <returns>A BGRA 8888 or RGBA 8888 bitmap the caller disposes.</returns>
    /// <exception cref="ImageDecodeException">Missing, empty, unreadable, too large, truncated or not an image.</exception>
    public static SKBitmap Decode(string path, ImageDecodeOptions? options = null) =>
        Decode(ReadAll(path), path, options);

    /// <summary>Decodes an encoded image held in memory.</summary>
    /// <param name="encoded">The file's bytes.</param>
    /// <param name="name">A name for error messages (usually the path).</param>
    /// <param name="options">Pixel limit and truncation leniency; <see cref="ImageDecodeOptions.Default"/> when null.</param>
    /// <returns>A BGRA 8888 or RGBA 8888 bitmap the caller disposes.</returns>
    /// <exception cref="ImageDecodeException">Empty, too large, truncated or not an image.</exception>
    public static SKBitmap Decode(byte[] encoded, string name, ImageDecodeOptions? options = null)
    {
        options ??= ImageDecodeOptions.Default;
        if (encoded.Length == 0) throw new ImageDecodeException(name, "the file is empty (0 bytes).");

        CheckPngSize(encoded, name);
        using var stream = new MemoryStream(encoded, writable: false);
        using var codec = SKCodec.Create(stream, out var created)
            ?? throw NotAnImage(name, created);
        CheckSize(codec.Info, name, options);

        // SKBitmap.Decode's choice of target, which MLImage inherits.
        var info = codec.Info;
        if (info.AlphaType == SKAlphaType.Unpremul) info.AlphaType = SKAlphaType.Premul;
        info.ColorSpace = null;

        var bitmap = new SKBitmap(info);
        var result = codec.GetPixels(info, bitmap.GetPixels());
        if (result != SKCodecResult.Success && !(result == SKCodecResult.IncompleteInput && options.AllowTruncated))
        {
            bitmap.Dispose();
            throw new ImageDecodeException(name, result == SKCodecResult.IncompleteInput
                ? $"the file is truncated: its data ends before the {info.Width}x{info.Height} image is complete."
                : $"the image data is corrupt ({result}).");
        }

        if (bitmap.ColorType is SKColorType.Bgra8888 or SKColorType.Rgba8888) return bitmap;

        // MLImage keeps only 32-bit formats and copies everything else to BGRA.
        using (bitmap)
        {
            if (!bitmap.CanCopyTo(SKColorType.Bgra8888))
                throw new ImageDecodeException(name, $"its pixel format {bitmap.ColorType} cannot be converted to 32-bit colour.");
            return bitmap.Copy(SKColorType.Bgra8888)
                ?? throw new ImageDecodeException(name, $"converting {bitmap.ColorType} to 32-bit colour failed.");
        }
    }

    /// <summary>Reads an image file's header: size, format, and whether it is gray. Decodes no pixels.</summary>
    /// <param name="path">The file.</param>
    /// <param name="options">The pixel limit to check; <see cref="ImageDecodeOptions.Default"/> when null.</param>
    /// <exception cref="ImageDecodeException">Missing, empty, unreadable, too large or not an image.</exception>
    public static ImageHeader ReadHeader(string path, ImageDecodeOptions? options = null)
    {
        options ??= ImageDecodeOptions.Default;
        try
        {
            using var stream = File.OpenRead(path);
            if (stream.Length == 0) throw new ImageDecodeException(path, "the file is empty (0 bytes).");
            Span<byte> start = stackalloc byte[PngSizeEnd];
            CheckPngSize(start[..stream.ReadAtLeast(start, start.Length, throwOnEndOfStream: false)], path);
            stream.Position = 0;
            using var codec = SKCodec.Create(stream, out var created) ?? throw NotAnImage(path, created);
            CheckSize(codec.Info, path, options);
            return new ImageHeader(codec.Info.Width, codec.Info.Height, codec.EncodedFormat, codec.Info.ColorType == SKColorType.Gray8);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException && e is not ImageDecodeException)
        {
            throw Unreadable(path, e);
        }
    }

    private static byte[] ReadAll(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Unreadable(path, e);
        }
    }

    private static ImageDecodeException Unreadable(string path, Exception e) => e switch
    {
        FileNotFoundException or DirectoryNotFoundException => new ImageDecodeException(path, "the file does not exist.", e),
        _ => new ImageDecodeException(path, $"the file cannot be read: {e.Message}", e),
    };

    private static ImageDecodeException NotAnImage(string name, SKCodecResult result) => new(name, result == SKCodecResult.IncompleteInput
        ? "the file is truncated: it ends inside the image header."
        : $"not a decodable image (SkiaSharp reads JPEG, PNG, WebP, BMP, GIF): {result}.");

    private static ReadOnlySpan<byte> PngSignature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
    // Signature (8), IHDR length (4), "IHDR" (4), width (4), height (4).
    private const int PngSizeEnd = 24;

    // libpng refuses a zero IHDR size before Skia sees it, and Skia then reports IncompleteInput, which would read as
    // a truncated file; the size is read from the header first so the message says what is wrong.
    private static void CheckPngSize(ReadOnlySpan<byte> start, string name)
    {
        if (start.Length < PngSizeEnd || !start.StartsWith(PngSignature)
            || !start[12..16].SequenceEqual("IHDR"u8))
            return;
        uint width = BinaryPrimitives.ReadUInt32BigEndian(start[16..]), height = BinaryPrimitives.ReadUInt32BigEndian(start[20..]);
        if (width == 0 || height == 0) throw EmptySize(name, width, height);
    }

    private static ImageDecodeException EmptySize(string name, long width, long height) =>
        new(name, $"the header claims a {width}x{height} image, which has no pixels.");

    private static void CheckSize(SKImageInfo info, string name, ImageDecodeOptions options)
    {
        if (info.Width <= 0 || info.Height <= 0) throw EmptySize(name, info.Width, info.Height);
        long pixels = (long)info.Width * info.Height;
        if (pixels > options.MaxPixels)
            throw new ImageDecodeException(name,
                $"the header claims {info.Width}x{info.Height} = {pixels:N0} pixels, above the limit of {options.MaxPixels:N0} (raise {nameof(ImageDecodeOptions.MaxPixels)} to accept it).");
    }
}
