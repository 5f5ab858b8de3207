namespace AlexNet.Onnx.Imaging;

/// <summary>A file that cannot be turned into an image: missing, empty, truncated, too large or not an image.</summary>
public sealed class ImageDecodeException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="path">The file (or a name for in-memory data).</param>
    /// <param name="reason">What is wrong with it, without the path.</param>
    /// <param name="inner">The underlying error, if any.</param>
    public ImageDecodeException(string path, string reason, Exception? inner = null)
        : base($"{path}: {reason}", inner)
    {
        Path = path;
        Reason = reason;
    }

    /// <summary>The file that failed.</summary>
    public string Path { get; }

    /// <summary>What is wrong with it.</summary>
    public string Reason { get; }
}
