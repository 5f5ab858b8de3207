using AlexNet.Training.Data;

namespace AlexNet.Training.Tests;

/// <summary>Locations of vendored data and scratch folders for tests.</summary>
internal static class RepoPaths
{
    public static string FashionMnist => FashionMnistFolder.Value;

    private static readonly Lazy<string> FashionMnistFolder = new(() =>
        AlexNet.Training.Data.FashionMnist.FindVendoredFolder()
        ?? throw new AssertFailedException("The vendored data/fashion-mnist folder was not found above " + AppContext.BaseDirectory));

    public static string NewTempFolder(string name)
    {
        var dir = Path.Combine(Path.GetTempPath(), "alexnet-tests", $"{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }
}
