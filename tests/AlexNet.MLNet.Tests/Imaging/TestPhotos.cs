namespace AlexNet.MLNet.Tests.Imaging;

/// <summary>Finds the vendored photos in tests/assets from the test's output folder.</summary>
internal static class TestPhotos
{
    public static string Folder { get; } = Find();

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
