namespace AlexNet.Samples.PipelineComposition;

/// <summary>One image file and its class (the name of its folder).</summary>
public sealed class LabelledImage
{
    /// <summary>Path relative to the image folder.</summary>
    public string ImagePath { get; set; } = "";
    /// <summary>Class name.</summary>
    public string Label { get; set; } = "";
}

/// <summary>A small ImageNet-style labelled folder (&lt;class&gt;/&lt;n&gt;.png), written from Fashion-MNIST test images.</summary>
public static class LabelledFolder
{
    /// <summary>Writes the first <paramref name="perClass"/> test images of each of the first <paramref name="classes"/> classes as PNG.</summary>
    /// <param name="dataFolder">Fashion-MNIST folder.</param>
    /// <param name="folder">Destination folder (replaced).</param>
    /// <param name="classes">How many classes.</param>
    /// <param name="perClass">Images per class.</param>
    public static void Write(string dataFolder, string folder, int classes, int perClass) =>
        FashionMnistPhotos.Write(dataFolder, folder, [.. Enumerable.Range(0, classes)], perClass);

    /// <summary>Lists the folder's images with their labels, in a stable order.</summary>
    /// <param name="folder">The image folder.</param>
    public static List<LabelledImage> Read(string folder) =>
        Directory.EnumerateDirectories(folder).Order(StringComparer.Ordinal)
            .SelectMany(d => Directory.EnumerateFiles(d, "*.png").Order(StringComparer.Ordinal)
                .Select(f => new LabelledImage { ImagePath = Path.GetRelativePath(folder, f), Label = Path.GetFileName(d) }))
            .ToList();
}
