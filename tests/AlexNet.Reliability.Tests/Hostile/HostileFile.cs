namespace AlexNet.Reliability.Tests.Hostile;

/// <summary>One generated bad file.</summary>
/// <param name="Name">File name, with the extension an uploader would give it.</param>
/// <param name="Bytes">Its content.</param>
/// <param name="Expected">The reason the entry point's error must give after the file's path (what it says is wrong),
/// or null where the file must be accepted (an image that decodes: <paramref name="Decodes"/>) or where the test
/// itself sorts the outcomes (a model with a flipped byte).</param>
/// <param name="Decodes">For an image that must decode: the width and height it decodes to.</param>
public sealed record HostileFile(string Name, byte[] Bytes, string? Expected, (int Width, int Height)? Decodes = null)
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
