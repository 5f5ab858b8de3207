namespace AlexNet.Training.Tests.Data;

/// <summary>Locates the repository's vendored data and photos, and makes scratch folders.</summary>
internal static class DataFiles
{
    public static string RepoRoot => RepositoryFiles.Root;

    public static string FashionMnist => Path.Combine(RepoRoot, "data", "fashion-mnist");

    public static string Photo(string name) => TestPhotos.Path(name);

    public static string NewScratchFolder(string label) => Directory.CreateTempSubdirectory("alexnet-" + label + "-").FullName;
}
