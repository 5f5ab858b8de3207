using SkiaSharp;

namespace AlexNet.Onnx.Imaging;

/// <summary>Saves bitmaps as lossless PNG, atomically, so a prepared copy decodes to exactly the pixels written.</summary>
public static class PngFile
{
    /// <summary>Encodes <paramref name="bitmap"/> as PNG and writes it to a temporary file renamed onto <paramref name="path"/>.</summary>
    /// <param name="bitmap">The image.</param>
    /// <param name="path">Destination file; its folder is created when missing.</param>
    public static void Save(SKBitmap bitmap, string path)
    {
        ArgumentNullException.ThrowIfNull(bitmap);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100)
            ?? throw new IOException($"{path}: encoding a {bitmap.Width}x{bitmap.Height} {bitmap.ColorType} bitmap as PNG failed.");
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null) Directory.CreateDirectory(folder);
        string temp = path + $".{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
                data.SaveTo(stream);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}
