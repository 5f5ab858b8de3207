using System.Buffers.Binary;
using System.Text;
using SkiaSharp;

namespace AlexNet.Reliability.Tests.Hostile;

/// <summary>
/// Bad image files: empty, random bytes and text under image extensions, PNG and JPEG files cut at each stage
/// (signature, header, data, end marker), and valid-looking headers claiming huge sizes (PNG
/// 100000×100000, JPEG 65500×65500 (libjpeg's largest), BMP 60000×60000, GIF 65535×65535, WebP 16383×16383) with almost no data behind them. Deterministic.
/// </summary>
public static class HostileImages
{
    /// <summary>The words every reason for a header over the pixel limit contains.</summary>
    public const string OverLimit = "above the limit of";

    /// <summary>Every case, each with the outcome it must have: rejected with a reason, or decoded at a size.</summary>
    public static IReadOnlyList<HostileFile> All()
    {
        var png = Encode(SKEncodedImageFormat.Png);
        var jpeg = Encode(SKEncodedImageFormat.Jpeg);
        var random = new byte[4096];
        new Random(17).NextBytes(random);
        const string empty = "the file is empty (0 bytes).";
        const string notAnImage = "not a decodable image (SkiaSharp reads JPEG, PNG, WebP, BMP, GIF): Unimplemented.";
        const string endsInHeader = "the file is truncated: it ends inside the image header.";
        const string endsInData = "the file is truncated: its data ends before the 48x40 image is complete.";
        static string Huge(int width, int height) =>
            $"the header claims {width}x{height} = {(long)width * height:N0} pixels, {OverLimit} 100,000,000 (raise MaxPixels to accept it).";
        return
        [
            new("empty.jpg", [], empty),
            new("empty.png", [], empty),
            new("random.jpg", random, notAnImage),
            new("random.png", random, notAnImage),
            new("text.jpg", Encoding.UTF8.GetBytes("<html><body>not an image</body></html>\n"), notAnImage),
            new("png-signature-only.png", png[..8], endsInHeader),
            new("png-cut-in-header.png", png[..20], endsInHeader),
            new("png-cut-in-data.png", png[..(png.Length / 2)], endsInData),
            // Every pixel is there before the missing IEND chunk.
            new("png-without-end.png", png[..^12], null, Decodes: (48, 40)),
            // The stale CRC and the damaged zlib stream are refused (libpng), not decoded into wrong pixels.
            new("png-idat-bytes-flipped.png", FlipIdat(png), "the image data is corrupt (ErrorInInput)."),
            new("png-0x0.png", WithPngSize(png, 0, 0), "the header claims a 0x0 image, which has no pixels."),
            new("png-48x0.png", WithPngSize(png, 48, 0), "the header claims a 48x0 image, which has no pixels."),
            new("jpeg-soi-only.jpg", jpeg[..2], notAnImage),
            new("jpeg-cut-in-header.jpg", jpeg[..100], endsInHeader),
            new("jpeg-cut-in-data.jpg", jpeg[..(jpeg.Length / 2)], endsInData),
            // libjpeg reports the missing EOI marker as a premature end of data.
            new("jpeg-without-end.jpg", jpeg[..^2], endsInData),
            new("png-100000x100000.png", WithPngSize(png, 100_000, 100_000), Huge(100_000, 100_000)),
            new("jpeg-65500x65500.jpg", WithJpegSize(jpeg, 65500, 65500), Huge(65500, 65500)),
            new("bmp-60000x60000.bmp", BmpHeader(60_000, 60_000), Huge(60_000, 60_000)),
            new("gif-65535x65535.gif", GifHeader(65535, 65535), Huge(65535, 65535)),
            new("webp-16383x16383.webp", WithWebpSize(Encode(SKEncodedImageFormat.Webp), 16383, 16383), Huge(16383, 16383)),
            // The content decides, not the name.
            new("png-named.jpg", png, null, Decodes: (48, 40)),
        ];
    }

    /// <summary>The cases that claim more pixels than the default limit.</summary>
    public static IEnumerable<HostileFile> Huge() => All().Where(f => f.Expected?.Contains(OverLimit, StringComparison.Ordinal) == true);

    /// <summary>A 48×40 noise image encoded in a format (real codec output, so only the damage is artificial).</summary>
    public static byte[] Encode(SKEncodedImageFormat format, int width = 48, int height = 40)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var random = new Random(5);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                bitmap.SetPixel(x, y, new SKColor((byte)random.Next(256), (byte)(x * 5), (byte)(y * 6)));
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(format, 90);
        return data.ToArray();
    }

    /// <summary>Rewrites the IHDR size of a PNG and fixes the chunk's CRC, so only the size lies.</summary>
    public static byte[] WithPngSize(byte[] png, int width, int height)
    {
        var bytes = (byte[])png.Clone();
        // 8-byte signature, then IHDR: length (4), "IHDR" (4), width (4), height (4), 5 more bytes, CRC (4).
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(16), width);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(20), height);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(29), Crc32.Of(bytes.AsSpan(12, 17)));
        return bytes;
    }

    /// <summary>Rewrites the SOF0 size of a baseline JPEG.</summary>
    public static byte[] WithJpegSize(byte[] jpeg, int width, int height)
    {
        var bytes = (byte[])jpeg.Clone();
        for (int i = 2; i + 9 < bytes.Length; i++)
        {
            if (bytes[i] != 0xFF || bytes[i + 1] != 0xC0) continue;
            // FF C0, length (2), precision (1), height (2), width (2).
            BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(i + 5), (ushort)height);
            BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(i + 7), (ushort)width);
            return bytes;
        }
        throw new InvalidOperationException("No SOF0 marker in the encoded JPEG.");
    }

    // The PNG's first IDAT data bytes inverted, CRC left stale.
    private static byte[] FlipIdat(byte[] png)
    {
        var bytes = (byte[])png.Clone();
        int idat = bytes.AsSpan().IndexOf("IDAT"u8);
        for (int i = idat + 6; i < idat + 26; i++) bytes[i] ^= 0xFF;
        return bytes;
    }

    // A 24-bit BMP file and info header (54 bytes) and 64 bytes of pixels.
    private static byte[] BmpHeader(int width, int height)
    {
        var b = new byte[54 + 64];
        "BM"u8.CopyTo(b);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(2), b.Length);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(10), 54);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(18), width);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(22), height);
        BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(28), 24);
        return b;
    }

    // GIF89a logical screen of the given size, a 2-colour table, one image descriptor of that size and a few LZW bytes.
    private static byte[] GifHeader(int width, int height)
    {
        var b = new List<byte>("GIF89a"u8.ToArray());
        b.AddRange(BitConverter.GetBytes((ushort)width));
        b.AddRange(BitConverter.GetBytes((ushort)height));
        b.AddRange([0x80, 0, 0, 0, 0, 0, 255, 255, 255]); // global table of 2 colours
        b.Add(0x2C);
        b.AddRange([0, 0, 0, 0]);
        b.AddRange(BitConverter.GetBytes((ushort)width));
        b.AddRange(BitConverter.GetBytes((ushort)height));
        b.AddRange([0, 2, 2, 0x4C, 0x01, 0, 0x3B]);
        return [.. b];
    }

    /// <summary>Rewrites the frame size in a lossy WebP's VP8 key-frame header (14 bits each).</summary>
    public static byte[] WithWebpSize(byte[] webp, int width, int height)
    {
        var bytes = (byte[])webp.Clone();
        // The key frame: 3-byte frame tag, start code 9D 01 2A, then width and height, little-endian.
        int start = bytes.AsSpan().IndexOf([(byte)0x9D, (byte)0x01, (byte)0x2A]);
        if (start < 0) throw new InvalidOperationException("No VP8 key frame in the encoded WebP.");
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(start + 3), (ushort)width);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(start + 5), (ushort)height);
        return bytes;
    }
}
