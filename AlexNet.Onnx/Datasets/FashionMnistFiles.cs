namespace AlexNet.Onnx.Datasets;

/// <summary>
/// Fashion-MNIST's files (Zalando, MIT; vendored in data/fashion-mnist from Debian's dataset-fashion-mnist): 60,000
/// training and 10,000 test images, 28×28 gray, in IDX files. Here, without TorchSharp, so that apps and samples that only
/// serve can read them; AlexNet.Training prepares them for training.
/// </summary>
public static class FashionMnistFiles
{
    /// <summary>The ten classes in label order.</summary>
    public static IReadOnlyList<string> ClassNames { get; } =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>The vendored folder, found by walking up from the working directory and the program's folder; null when absent.</summary>
    public static string? FindVendoredFolder()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "data", "fashion-mnist");
                if (System.IO.File.Exists(Path.Combine(candidate, "train-images-idx3-ubyte.gz"))) return candidate;
            }
        return null;
    }

    /// <summary>The path of one of the four files: <c>stem</c>.gz, <c>stem</c>, or the dotted name some copies use.</summary>
    /// <param name="folder">The dataset folder.</param>
    /// <param name="stem">train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte or t10k-labels-idx1-ubyte.</param>
    /// <exception cref="FileNotFoundException">None of them is there; the message names the folder.</exception>
    public static string File(string folder, string stem)
    {
        foreach (var name in new[] { stem + ".gz", stem, stem.Replace("-idx", ".idx", StringComparison.Ordinal) })
        {
            string path = Path.Combine(folder, name);
            if (System.IO.File.Exists(path)) return path;
        }
        throw new FileNotFoundException($"{folder}: neither {stem}.gz nor {stem} is there.", Path.Combine(folder, stem + ".gz"));
    }

    /// <summary>Reads the test split's images and labels as they are in the files.</summary>
    /// <param name="folder">The dataset folder.</param>
    public static (IdxArray Images, IdxArray Labels) ReadTest(string folder) =>
        (IdxFile.Read(File(folder, "t10k-images-idx3-ubyte")), IdxFile.Read(File(folder, "t10k-labels-idx1-ubyte")));
}
