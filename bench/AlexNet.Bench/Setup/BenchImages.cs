using AlexNet.Onnx.Imaging;
using AlexNet.Training.Data;

namespace AlexNet.Bench.Setup;

/// <summary>
/// Real images for the inference cases: the four vendored photos (tests/assets) for the paper preset, and the first
/// Fashion-MNIST test images written as 28×28 gray PNGs for the small preset.
/// </summary>
public static class BenchImages
{
    /// <summary>The repository root, found by walking up to AlexNet.sln.</summary>
    public static string RepoRoot { get; } = FindRoot();

    /// <summary>The photos: astronaut, chelsea, coffee, rocket.</summary>
    public static string[] Photos() =>
        new[] { "astronaut.png", "chelsea.png", "coffee.png", "rocket.jpg" }.Select(f => Path.Combine(RepoRoot, "tests", "assets", f)).ToArray();

    /// <summary>Writes the first <paramref name="count"/> Fashion-MNIST test images as PNG files.</summary>
    /// <param name="folder">Destination folder.</param>
    /// <param name="count">Images.</param>
    public static string[] FashionMnistPngs(string folder, int count)
    {
        var test = FashionMnist.Test(Path.Combine(RepoRoot, "data", "fashion-mnist"), 28, count);
        var pixels = new float[28 * 28];
        var bytes = new byte[28 * 28];
        var paths = new string[count];
        for (int i = 0; i < count; i++)
        {
            test.ReadImage(i, pixels);
            for (int k = 0; k < bytes.Length; k++) bytes[k] = (byte)pixels[k];
            using var bitmap = GrayImage.ToBitmap(bytes, 28, 28);
            paths[i] = Path.Combine(folder, $"fmnist-{i:D3}.png");
            PngFile.Save(bitmap, paths[i]);
        }
        return paths;
    }

    /// <summary>The images for a preset.</summary>
    /// <param name="preset">small or paper.</param>
    /// <param name="folder">Where generated files go.</param>
    public static string[] For(string preset, string folder) => preset == "paper" ? Photos() : FashionMnistPngs(folder, 64);

    private static string FindRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "AlexNet.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("AlexNet.sln not found above the working directory; run from the repository.");
    }
}
