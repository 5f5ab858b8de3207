using System.Collections.Concurrent;

namespace AlexNet.MLNet.Serving;

/// <summary>
/// The serving graph as a file in the temp folder, for <c>ApplyOnnxModel(modelFile)</c>. ML.NET's own route for a
/// graph in memory (<c>ApplyOnnxModel(Stream)</c>) writes it to a temp file it never deletes, not even on Dispose
/// (ML.NET 5.0: <c>OnnxModel.CreateFromStream</c> passes <c>ownModelFile: false</c>), which left a copy of every
/// classifier in /tmp per estimator (233 MB for the paper preset). This file goes when the transformer holding it is
/// disposed, or when the process exits, whichever comes first. ML.NET reads it again only to save the model.
/// </summary>
internal static class ServingGraphFile
{
    private static readonly ConcurrentDictionary<string, byte> Live = new(StringComparer.Ordinal);

    static ServingGraphFile() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        foreach (var path in Live.Keys) Delete(path);
    };

    /// <summary>Writes the graph to a new file of its own and returns the path.</summary>
    public static string Create(byte[] graph)
    {
        var path = Path.Combine(Path.GetTempPath(), $"alexnet-serving-{Guid.NewGuid():N}.onnx");
        Live[path] = 0;
        try
        {
            File.WriteAllBytes(path, graph);
        }
        catch
        {
            Delete(path);
            throw;
        }
        return path;
    }

    /// <summary>Deletes the file; a second call or a file already gone is not an error.</summary>
    public static void Delete(string path)
    {
        Live.TryRemove(path, out _);
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
