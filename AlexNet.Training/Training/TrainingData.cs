using AlexNet.Training.Data;

namespace AlexNet.Training.Training;

/// <summary>
/// The three splits a run uses. For IDX data (Fashion-MNIST) the last <see cref="IdxValidationImages"/> training
/// images are held out as validation for the learning-rate schedule, so the test set is only used for the
/// final figures; an ImageNet-style tree brings its own val/ folder, which serves both purposes as in the paper.
/// </summary>
/// <param name="Name">Dataset name for metadata and logs.</param>
/// <param name="Train">Training images.</param>
/// <param name="Validation">Images that drive the schedule.</param>
/// <param name="Test">Held-out test images, when the data has a separate test split.</param>
public sealed record TrainingData(string Name, IImageDataset Train, IImageDataset Validation, IImageDataset? Test)
{
    /// <summary>Training images held out for validation from IDX data.</summary>
    public const int IdxValidationImages = 5000;

    /// <summary>Opens a dataset folder prepared to the given side.</summary>
    /// <param name="folder">IDX folder (train-images-idx3-ubyte[.gz] …) or a folder with train/ and val/.</param>
    /// <param name="size">Prepared image side (the architecture's resize size).</param>
    /// <param name="channels">Channels wanted for image folders (3, or 1 for grayscale).</param>
    /// <param name="trainLimit">Use at most this many training images.</param>
    /// <param name="evalLimit">Use at most this many validation and test images.</param>
    /// <param name="testLimit">Use at most this many test images instead of <paramref name="evalLimit"/>'s (IDX data;
    /// image folders have no test split).</param>
    public static TrainingData Open(string folder, int size, int channels = 3, int? trainLimit = null, int? evalLimit = null, int? testLimit = null)
    {
        if (!Directory.Exists(folder))
            throw new DirectoryNotFoundException($"Dataset folder '{folder}' does not exist.");
        if (Directory.EnumerateFiles(folder, "train-images-idx3-ubyte*").Any())
        {
            // Only the rows the run uses are prepared: at the paper's 256 px all 60,000 would not fit in one array.
            var (train, val) = FashionMnist.TrainAndValidation(folder, size, IdxValidationImages, trainLimit, evalLimit);
            var test = FashionMnist.Test(folder, size, testLimit ?? evalLimit);
            return new TrainingData(Path.GetFileName(Path.GetFullPath(folder).TrimEnd('/')), train, val, test);
        }
        var trainDir = Path.Combine(folder, "train");
        var valDir = Path.Combine(folder, "val");
        if (!Directory.Exists(trainDir) || !Directory.Exists(valDir))
            throw new DirectoryNotFoundException($"'{folder}' holds neither IDX files (train-images-idx3-ubyte[.gz]) nor train/ and val/ folders.");
        var options = new ImageFolderOptions { Size = size, Channels = channels };
        var trainSet = ImageFolderDataset.Open(trainDir, options);
        var valSet = ImageFolderDataset.Open(valDir, options with { ClassNames = trainSet.ClassNames });
        return new TrainingData(Path.GetFileName(Path.GetFullPath(folder).TrimEnd('/')),
            trainLimit is { } t ? Subset.Of(trainSet, 0, Math.Min(t, trainSet.Count)) : trainSet,
            evalLimit is { } e ? Subset.Of(valSet, 0, Math.Min(e, valSet.Count)) : valSet, null);
    }

    /// <summary>
    /// The same data restricted to some classes, each split through a <see cref="ClassSubset"/>: labels renumbered
    /// 0 … k − 1 in the order of <paramref name="classes"/>, and optionally the first N images of each class per split.
    /// The name says which classes were kept (e.g. fashion-mnist-classes-5-6-7-8-9).
    /// </summary>
    /// <param name="classes">Labels to keep, each once; the first becomes label 0.</param>
    /// <param name="trainPerClass">At most this many training images of each class; all when null.</param>
    /// <param name="validationPerClass">At most this many validation images of each class; all when null.</param>
    /// <param name="testPerClass">At most this many test images of each class; all when null.</param>
    /// <exception cref="ArgumentException">No class, a class repeated or outside the data's classes.</exception>
    public TrainingData WithClasses(IReadOnlyList<int> classes, int? trainPerClass = null, int? validationPerClass = null, int? testPerClass = null) =>
        new($"{Name}-classes-{string.Join('-', classes)}", new ClassSubset(Train, classes, trainPerClass),
            new ClassSubset(Validation, classes, validationPerClass), Test is { } test ? new ClassSubset(test, classes, testPerClass) : null);

    // A contiguous range of another dataset.
    private sealed class Subset(IImageDataset inner, int start, int count) : IImageDataset
    {
        public static IImageDataset Of(IImageDataset inner, int start, int count) =>
            start == 0 && count == inner.Count ? inner : new Subset(inner, start, count);
        public int Count => count;
        public int Channels => inner.Channels;
        public int Size => inner.Size;
        public IReadOnlyList<string> ClassNames => inner.ClassNames;
        public int GetLabel(int index) => inner.GetLabel(start + Check(index));
        public void ReadImage(int index, Span<float> dest) => inner.ReadImage(start + Check(index), dest);
        private int Check(int index) => (uint)index < (uint)count ? index : throw new ArgumentOutOfRangeException(nameof(index));
    }
}
