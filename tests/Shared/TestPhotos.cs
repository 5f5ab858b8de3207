namespace AlexNet.Tests.Shared;

/// <summary>The photos vendored in tests/assets (from Debian's python3-skimage).</summary>
internal static class TestPhotos
{
    /// <summary>The four decodable photos.</summary>
    public static readonly string[] Names = ["astronaut.png", "chelsea.png", "coffee.png", "rocket.jpg"];

    /// <summary>The tests/assets folder.</summary>
    public static string Folder { get; } = RepositoryFiles.Path("tests", "assets");

    /// <summary>A file in tests/assets.</summary>
    public static string Path(string name) => System.IO.Path.Combine(Folder, name);
}
