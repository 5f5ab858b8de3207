namespace AlexNet.Training.Data;

/// <summary>Fashion-MNIST (Zalando, MIT), vendored in data/fashion-mnist: 60,000 training and 10,000 test images, 28×28 gray.</summary>
public static class FashionMnist
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
                if (File.Exists(Path.Combine(candidate, "train-images-idx3-ubyte.gz"))) return candidate;
            }
        return null;
    }

    /// <summary>Loads the training split (60,000 images).</summary>
    /// <param name="folder">Folder with the four IDX files (.gz or raw).</param>
    /// <param name="size">Prepared side R.</param>
    /// <param name="limit">Keep only the first images.</param>
    public static IdxDataset Train(string folder, int size, int? limit = null) => Load(folder, "train", size, 0, limit);

    /// <summary>Loads the test split (10,000 images).</summary>
    /// <param name="folder">Folder with the four IDX files (.gz or raw).</param>
    /// <param name="size">Prepared side R.</param>
    /// <param name="limit">Keep only the first images.</param>
    public static IdxDataset Test(string folder, int size, int? limit = null) => Load(folder, "t10k", size, 0, limit);

    /// <summary>
    /// The training split cut in two, the last <paramref name="validationImages"/> rows held out for validation, each part
    /// limited and prepared to <paramref name="size"/>: only the rows kept are prepared (the file is read once).
    /// </summary>
    /// <param name="folder">Folder holding the IDX files.</param>
    /// <param name="size">Prepared side R.</param>
    /// <param name="validationImages">Rows at the end of the split held out.</param>
    /// <param name="trainLimit">Training rows kept from the start; all when null.</param>
    /// <param name="validationLimit">Validation rows kept; all held out when null.</param>
    public static (IdxDataset Train, IdxDataset Validation) TrainAndValidation(string folder, int size, int validationImages, int? trainLimit, int? validationLimit)
    {
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"{folder}: Fashion-MNIST folder not found.");
        var source = IdxDataset.Read(Pick(folder, "train-images-idx3-ubyte"), Pick(folder, "train-labels-idx1-ubyte"));
        int trainCount = source.Count - validationImages;
        return (source.Prepare(size, ClassNames, 0, Math.Min(trainLimit ?? trainCount, trainCount)),
                source.Prepare(size, ClassNames, trainCount, Math.Min(validationLimit ?? validationImages, validationImages)));
    }

    private static IdxDataset Load(string folder, string split, int size, int start, int? count)
    {
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"{folder}: Fashion-MNIST folder not found.");
        return IdxDataset.Load(Pick(folder, $"{split}-images-idx3-ubyte"), Pick(folder, $"{split}-labels-idx1-ubyte"), size, ClassNames, start, count);
    }

    private static string Pick(string folder, string stem)
    {
        foreach (var name in new[] { stem + ".gz", stem, stem.Replace("-idx", ".idx", StringComparison.Ordinal) })
        {
            string path = Path.Combine(folder, name);
            if (File.Exists(path)) return path;
        }
        throw new FileNotFoundException($"{folder}: neither {stem}.gz nor {stem} is there.", Path.Combine(folder, stem + ".gz"));
    }
}
