namespace AlexNet.Onnx;

/// <summary>A model file that cannot be used: missing, empty, truncated, not ONNX, or not an image classifier this library can run.</summary>
public sealed class ModelFileException : Exception
{
    /// <summary>The file the problem is about.</summary>
    public string FilePath { get; }

    /// <summary>Creates the error; the message starts with the file path.</summary>
    /// <param name="filePath">The model file.</param>
    /// <param name="problem">What is wrong with it. A message that already starts with the path is kept as it is.</param>
    /// <param name="inner">The underlying error, if any.</param>
    public ModelFileException(string filePath, string problem, Exception? inner = null)
        : base(problem.StartsWith(filePath, StringComparison.Ordinal) ? problem : $"{filePath}: {problem}", inner)
    {
        FilePath = filePath;
    }
}
