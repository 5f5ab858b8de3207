namespace AlexNet.Training.Pretrained;

/// <summary>
/// The names of ImageNet's 1000 classes (ILSVRC 2012) in the order of the outputs of torchvision's pretrained weights:
/// output 0 is "tench", output 999 "toilet tissue". Shipped as data (Pretrained/imagenet-classes.txt, embedded in this
/// assembly), copied from torchvision's <c>_IMAGENET_CATEGORIES</c>; the source and its BSD-3-Clause licence are in
/// imagenet-classes.NOTICE beside it.
/// </summary>
public static class ImageNetClasses
{
    private const string Resource = "AlexNet.Training.imagenet-classes.txt";

    /// <summary>How many classes ImageNet's classifiers have.</summary>
    public const int Count = 1000;

    private static readonly Lazy<IReadOnlyList<string>> Loaded = new(Load);

    /// <summary>The 1000 names, in output order.</summary>
    public static IReadOnlyList<string> Names => Loaded.Value;

    private static IReadOnlyList<string> Load()
    {
        using var stream = typeof(ImageNetClasses).Assembly.GetManifestResourceStream(Resource)
            ?? throw new InvalidOperationException($"The resource {Resource} is missing from {typeof(ImageNetClasses).Assembly.GetName().Name}: the build left it out.");
        using var reader = new StreamReader(stream);
        var names = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (names.Length != Count) throw new InvalidOperationException($"The resource {Resource} holds {names.Length} names, not {Count}.");
        return names;
    }
}
