namespace AlexNet.Tests.Shared;

/// <summary>The photos vendored in tests/assets (from Debian's python3-skimage), found from the test's output folder.</summary>
internal static class TestPhotos
{
    /// <summary>The four decodable photos.</summary>
    public static readonly string[] Names = ["astronaut.png", "chelsea.png", "coffee.png", "rocket.jpg"];

    /// <summary>The tests/assets folder.</summary>
    public static string Folder { get; } = Find();

    /// <summary>A file in tests/assets.</summary>
    public static string Path(string name) => System.IO.Path.Combine(Folder, name);

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = System.IO.Path.Combine(dir.FullName, "tests", "assets");
            if (File.Exists(System.IO.Path.Combine(candidate, "chelsea.png"))) return candidate;
        }
        throw new DirectoryNotFoundException($"tests/assets not found above {AppContext.BaseDirectory}.");
    }
}
