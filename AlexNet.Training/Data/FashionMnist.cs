using AlexNet.Onnx.Datasets;

namespace AlexNet.Training.Data;

/// <summary>Fashion-MNIST prepared for training (its files: <see cref="FashionMnistFiles"/>).</summary>
public static class FashionMnist
{
    /// <summary>The ten classes in label order.</summary>
    public static IReadOnlyList<string> ClassNames => FashionMnistFiles.ClassNames;

    /// <summary>The vendored folder, or null (see <see cref="FashionMnistFiles.FindVendoredFolder"/>).</summary>
    public static string? FindVendoredFolder() => FashionMnistFiles.FindVendoredFolder();

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
        var source = IdxDataset.Read(FashionMnistFiles.File(folder, "train-images-idx3-ubyte"), FashionMnistFiles.File(folder, "train-labels-idx1-ubyte"));
        int trainCount = source.Count - validationImages;
        return (source.Prepare(size, ClassNames, 0, Math.Min(trainLimit ?? trainCount, trainCount)),
                source.Prepare(size, ClassNames, trainCount, Math.Min(validationLimit ?? validationImages, validationImages)));
    }

    private static IdxDataset Load(string folder, string split, int size, int start, int? count)
    {
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"{folder}: Fashion-MNIST folder not found.");
        return IdxDataset.Load(FashionMnistFiles.File(folder, $"{split}-images-idx3-ubyte"), FashionMnistFiles.File(folder, $"{split}-labels-idx1-ubyte"), size, ClassNames, start, count);
    }
}
