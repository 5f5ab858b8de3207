using System.Text;

namespace AlexNet.Onnx.Export;

/// <summary>Writes a file so that readers see either the old file or the complete new one, never a partial write.</summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="text"/> as UTF-8 (no byte-order mark, as File.WriteAllText) through <see cref="Write"/>.</summary>
    /// <param name="path">Destination; its folder is created when missing.</param>
    /// <param name="text">The whole content.</param>
    public static void WriteText(string path, string text) => Write(path, stream => stream.Write(Encoding.UTF8.GetBytes(text)));

    /// <summary>Writes through a temporary file beside <paramref name="path"/>, flushed to disk, then moved over it.</summary>
    /// <param name="path">Destination; its folder is created when missing.</param>
    /// <param name="write">Writes the whole content; the stream stays open after it returns.</param>
    public static void Write(string path, Action<Stream> write)
    {
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }
}
