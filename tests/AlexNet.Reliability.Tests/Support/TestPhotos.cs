namespace AlexNet.Reliability.Tests.Support;

/// <summary>The photos vendored in tests/assets.</summary>
internal static class TestPhotos
{
    public static readonly string[] Names = ["astronaut.png", "chelsea.png", "coffee.png", "rocket.jpg"];

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
