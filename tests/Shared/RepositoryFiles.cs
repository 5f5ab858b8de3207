namespace AlexNet.Tests.Shared;

/// <summary>The checkout the tests run from, found from the test's output folder (or ALEXNET_REPO_ROOT for builds elsewhere).</summary>
internal static class RepositoryFiles
{
    /// <summary>The folder holding AlexNet.sln.</summary>
    public static string Root { get; } = Find();

    /// <summary>A path inside the checkout.</summary>
    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    private static string Find()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.GetEnvironmentVariable("ALEXNET_REPO_ROOT") })
            for (var dir = start is null ? null : new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(System.IO.Path.Combine(dir.FullName, "AlexNet.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"No AlexNet.sln above {AppContext.BaseDirectory} (set ALEXNET_REPO_ROOT for builds outside the checkout).");
    }
}
