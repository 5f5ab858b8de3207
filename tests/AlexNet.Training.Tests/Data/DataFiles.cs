namespace AlexNet.Training.Tests.Data;

/// <summary>Locates the repository's vendored data and photos, and makes scratch folders.</summary>
internal static class DataFiles
{
    public static string RepoRoot { get; } = FindRoot();

    public static string FashionMnist => Path.Combine(RepoRoot, "data", "fashion-mnist");

    public static string Photo(string name) => Path.Combine(RepoRoot, "tests", "assets", name);

    public static string NewScratchFolder(string label) => Directory.CreateTempSubdirectory("alexnet-" + label + "-").FullName;

    private static string FindRoot()
    {
        // ALEXNET_REPO_ROOT serves builds whose output lies outside the checkout.
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.GetEnvironmentVariable("ALEXNET_REPO_ROOT") })
            for (var dir = start is null ? null : new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "data", "fashion-mnist", "t10k-labels-idx1-ubyte.gz"))) return dir.FullName;
        throw new DirectoryNotFoundException($"The repository root (with data/fashion-mnist) is not above {AppContext.BaseDirectory}.");
    }
}
