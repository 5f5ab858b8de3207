namespace AlexNet.Reliability.Tests.Hostile;

/// <summary>One generated bad file.</summary>
/// <param name="Name">File name, with the extension an uploader would give it.</param>
/// <param name="Bytes">Its content.</param>
/// <param name="Expected">What the entry point must answer: a fragment of the error message, or null where
/// decoding is allowed to succeed (the damage may leave a valid file, e.g. a missing end marker).</param>
public sealed record HostileFile(string Name, byte[] Bytes, string? Expected)
{
    /// <summary>Writes the file into a folder and returns its path.</summary>
    public string WriteTo(string folder)
    {
        var path = Path.Combine(folder, Name);
        File.WriteAllBytes(path, Bytes);
        return path;
    }

    /// <inheritdoc/>
    public override string ToString() => Name;
}
