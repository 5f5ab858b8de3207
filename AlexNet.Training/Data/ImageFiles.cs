namespace AlexNet.Training.Data;

/// <summary>Which files count as images: the formats SkiaSharp decodes (JPEG, PNG, WebP, BMP, GIF), by extension.</summary>
public static class ImageFiles
{
    /// <summary>Extensions recognised, lower case with the dot.</summary>
    public static IReadOnlySet<string> Extensions { get; } =
        new HashSet<string>([".jpg", ".jpeg", ".jpe", ".png", ".webp", ".bmp", ".gif"], StringComparer.OrdinalIgnoreCase);

    /// <summary>Whether <paramref name="path"/> has an image extension.</summary>
    /// <param name="path">A file name or path.</param>
    public static bool IsImage(string path) => Extensions.Contains(Path.GetExtension(path));

    /// <summary>The image files directly inside <paramref name="folder"/>, in ordinal name order.</summary>
    /// <param name="folder">The folder.</param>
    public static string[] In(string folder) =>
        Directory.EnumerateFiles(folder).Where(IsImage).Order(StringComparer.Ordinal).ToArray();
}
