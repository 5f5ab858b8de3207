using AlexNet.Onnx.Imaging;
using AlexNet.Training.Data;
using SkiaSharp;

namespace AlexNet.Training.Tests.Data;

[TestClass]
public sealed class ImageFolderDatasetTests
{
    private string _root = "";

    [TestInitialize]
    public void MakeTree()
    {
        // train/cat: chelsea, coffee; train/rocket: rocket + a corrupt file + a truncated copy; val/cat: chelsea.
        _root = DataFiles.NewScratchFolder("folders");
        Put("train/cat/chelsea.png", DataFiles.Photo("chelsea.png"));
        Put("train/cat/coffee.png", DataFiles.Photo("coffee.png"));
        Put("train/rocket/rocket.jpg", DataFiles.Photo("rocket.jpg"));
        File.WriteAllText(Path.Combine(_root, "train/rocket/corrupt.jpg"), "this is not a JPEG");
        var rocket = File.ReadAllBytes(DataFiles.Photo("rocket.jpg"));
        File.WriteAllBytes(Path.Combine(_root, "train/rocket/cut.jpg"), rocket[..(rocket.Length / 2)]);
        File.WriteAllText(Path.Combine(_root, "train/rocket/notes.txt"), "not an image, ignored");
        Put("val/cat/chelsea.png", DataFiles.Photo("chelsea.png"));
    }

    [TestCleanup]
    public void RemoveTree() => Directory.Delete(_root, recursive: true);

    private void Put(string relative, string source)
    {
        string target = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Copy(source, target);
    }

    private static ImageFolderOptions Options(int size = 64) => new() { Size = size, MaxDegreeOfParallelism = 2 };

    [TestMethod]
    public void CorruptAndTruncatedFilesAreSkippedCountedAndListed()
    {
        var train = ImageFolderDataset.Open(Path.Combine(_root, "train"), Options());
        Assert.AreEqual(3, train.Count);
        CollectionAssert.AreEqual(new[] { "cat", "rocket" }, train.ClassNames.ToArray());
        Assert.HasCount(2, train.Skipped);
        Assert.AreEqual(Path.Combine(_root, "train/rocket/corrupt.jpg"), train.Skipped[0].Path);
        Assert.AreEqual(Path.Combine(_root, "train/rocket/cut.jpg"), train.Skipped[1].Path);
        StringAssert.Contains(train.Skipped[1].Reason, "truncated");
        CollectionAssert.AreEqual(new[] { 0, 0, 1 }, Enumerable.Range(0, 3).Select(train.GetLabel).ToArray());
    }

    [TestMethod]
    public void ImagesAreMlNetsIsoCropOfTheFile()
    {
        var train = ImageFolderDataset.Open(Path.Combine(_root, "train"), Options());
        Assert.IsTrue(train.IsCached);
        var image = new float[3 * 64 * 64];

        train.ReadImage(2, image);

        // ML.NET 5.0.1's figures for rocket.jpg: LoadImages, ResizeImages(64, 64, IsoCrop, Center), ExtractPixels(Rgb, planar).
        var planes = Enumerable.Range(0, 3).Select(c => image.AsSpan(c * 4096, 4096).ToArray()).ToArray();
        CollectionAssert.AreEqual(new float[] { 231507, 269587, 360300 }, planes.Select(p => p.Sum()).ToArray(), "R, G, B sums");
        // Row 32, columns 28–35: the rocket's body against the sky.
        CollectionAssert.AreEqual(new float[] { 54, 54, 61, 119, 147, 135, 125, 52 }, planes[0][(32 * 64 + 28)..(32 * 64 + 36)], "R");
        CollectionAssert.AreEqual(new float[] { 71, 71, 74, 113, 138, 120, 114, 68 }, planes[1][(32 * 64 + 28)..(32 * 64 + 36)], "G");
        CollectionAssert.AreEqual(new float[] { 107, 107, 105, 105, 120, 94, 109, 103 }, planes[2][(32 * 64 + 28)..(32 * 64 + 36)], "B");
    }

    [TestMethod]
    public void UncachedUnverifiedReadsGiveTheSamePixels()
    {
        var cached = ImageFolderDataset.Open(Path.Combine(_root, "val"), Options());
        var direct = ImageFolderDataset.Open(Path.Combine(_root, "val"), Options() with { Verify = false, CacheBytes = 0 });
        Assert.IsFalse(direct.IsCached);
        var a = new float[3 * 64 * 64];
        var b = new float[3 * 64 * 64];
        cached.ReadImage(0, a);
        direct.ReadImage(0, b);
        CollectionAssert.AreEqual(a, b);
    }

    [TestMethod]
    public void EmptyClassFolderIsAnErrorNamingIt()
    {
        string empty = Path.Combine(_root, "train", "dog");
        Directory.CreateDirectory(empty);
        var e = Assert.ThrowsExactly<InvalidDataException>(() => ImageFolderDataset.Open(Path.Combine(_root, "train"), Options()));
        StringAssert.StartsWith(e.Message, empty);
        StringAssert.Contains(e.Message, "holds no images");
    }

    [TestMethod]
    public void ValidationClassThatTrainingLacksIsAnErrorNamingIt()
    {
        Put("val/horse/coffee.png", DataFiles.Photo("coffee.png"));
        var train = ImageFolderDataset.Open(Path.Combine(_root, "train"), Options());
        var e = Assert.ThrowsExactly<InvalidDataException>(() =>
            ImageFolderDataset.Open(Path.Combine(_root, "val"), Options() with { ClassNames = train.ClassNames }));
        StringAssert.StartsWith(e.Message, Path.Combine(_root, "val", "horse"));
        StringAssert.Contains(e.Message, "not among the 2 training classes");
    }

    [TestMethod]
    public void ValidationLabelsFollowTheTrainingClassOrder()
    {
        Put("val/rocket/rocket.jpg", DataFiles.Photo("rocket.jpg"));
        var val = ImageFolderDataset.Open(Path.Combine(_root, "val"), Options() with { ClassNames = ["zebra", "rocket", "cat"] });
        CollectionAssert.AreEqual(new[] { 2, 1 }, new[] { val.GetLabel(0), val.GetLabel(1) });
    }

    [TestMethod]
    public void MissingFolderIsAnErrorNamingIt()
    {
        string missing = Path.Combine(_root, "nowhere");
        var e = Assert.ThrowsExactly<DirectoryNotFoundException>(() => ImageFolderDataset.Open(missing, Options()));
        StringAssert.StartsWith(e.Message, missing);
    }

    [TestMethod]
    public void GrayImageInAColourSetIsConvertedAndCounted()
    {
        string gray = Path.Combine(_root, "val/cat/gray.png");
        WriteGray(gray);
        var val = ImageFolderDataset.Open(Path.Combine(_root, "val"), Options());
        Assert.AreEqual(2, val.Count);
        CollectionAssert.AreEqual(new[] { gray }, val.ConvertedGray.ToArray());
        var image = new float[3 * 64 * 64];
        val.ReadImage(1, image);
        for (int p = 0; p < 64 * 64; p++)
        {
            Assert.AreEqual(image[p], image[4096 + p]);
            Assert.AreEqual(image[p], image[8192 + p]);
        }
        Assert.IsGreaterThan(10f, image.Max(), "the gray photo has content");
    }

    [TestMethod]
    public void GrayImageIsAnErrorNamingItWhenAsked()
    {
        string gray = Path.Combine(_root, "val/cat/gray.png");
        WriteGray(gray);
        var e = Assert.ThrowsExactly<InvalidDataException>(() =>
            ImageFolderDataset.Open(Path.Combine(_root, "val"), Options() with { RejectGray = true }));
        StringAssert.StartsWith(e.Message, gray);
        StringAssert.Contains(e.Message, "1-channel");
    }

    [TestMethod]
    public void FlatValidationFolderTakesOneBasedLabelsInSortedFileOrder()
    {
        string flat = Path.Combine(_root, "flat");
        Put("flat/ILSVRC2012_val_00000002.JPEG", DataFiles.Photo("rocket.jpg"));
        Put("flat/ILSVRC2012_val_00000001.png", DataFiles.Photo("chelsea.png"));
        string truth = Path.Combine(_root, "ground_truth.txt");
        File.WriteAllLines(truth, ["1", "2"]);
        var val = ImageFolderDataset.OpenFlat(flat, truth, ["cat", "rocket"], Options());
        Assert.AreEqual(Path.Combine(flat, "ILSVRC2012_val_00000001.png"), val.Files[0]);
        CollectionAssert.AreEqual(new[] { 0, 1 }, new[] { val.GetLabel(0), val.GetLabel(1) });
    }

    [TestMethod]
    public void GroundTruthOutOfRangeIsAnErrorNamingFileAndRow()
    {
        Put("flat/a.png", DataFiles.Photo("chelsea.png"));
        Put("flat/b.png", DataFiles.Photo("coffee.png"));
        string truth = Path.Combine(_root, "ground_truth.txt");
        File.WriteAllLines(truth, ["2", "3"]);
        var e = Assert.ThrowsExactly<InvalidDataException>(() =>
            ImageFolderDataset.OpenFlat(Path.Combine(_root, "flat"), truth, ["cat", "rocket"], Options()));
        StringAssert.StartsWith(e.Message, truth + ": row 2");
    }

    [TestMethod]
    public void PrepareWritesRByRCopiesThatReadBackAsThePreparedOriginal()
    {
        string prepared = DataFiles.NewScratchFolder("prepared");
        try
        {
            var report = FolderPreparation.Prepare(Path.Combine(_root, "train"), prepared, 64, maxDegreeOfParallelism: 2);
            Assert.AreEqual(3, report.Written);
            Assert.HasCount(2, report.Skipped);
            string copy = Path.Combine(prepared, "rocket", "rocket.png");
            Assert.IsTrue(File.Exists(Path.Combine(prepared, "cat", "chelsea.png")), "a PNG keeps its name");
            var header = ImageDecoder.ReadHeader(copy);
            Assert.AreEqual((64, 64, SKEncodedImageFormat.Png), (header.Width, header.Height, header.Format));

            var fromCopy = new float[3 * 64 * 64];
            var fromOriginal = new float[3 * 64 * 64];
            PaperPreparation.Load(copy, 64, 3, fromCopy);
            PaperPreparation.Load(Path.Combine(_root, "train/rocket/rocket.jpg"), 64, 3, fromOriginal);
            CollectionAssert.AreEqual(fromOriginal, fromCopy);

            var again = FolderPreparation.Prepare(Path.Combine(_root, "train"), prepared, 64, maxDegreeOfParallelism: 2);
            Assert.AreEqual((0, 3), (again.Written, again.AlreadyPresent));
        }
        finally
        {
            Directory.Delete(prepared, recursive: true);
        }
    }

    [TestMethod]
    public void PreparedCopiesTakeThePngExtensionAndKeepTheWholeNameOnlyWhereTwoWouldMeet()
    {
        var names = FolderPreparation.TargetNames(["cat/chelsea.png", "cat/a.jpg", "cat/b.jpg", "cat/b.png", "cat/c.JPEG", "dog/b.jpg"]);

        Assert.AreEqual("cat/chelsea.png", names["cat/chelsea.png"]);
        Assert.AreEqual("cat/a.png", names["cat/a.jpg"]);
        Assert.AreEqual("cat/b.jpg.png", names["cat/b.jpg"], "b.png is there too");
        Assert.AreEqual("cat/b.png", names["cat/b.png"]);
        Assert.AreEqual("cat/c.png", names["cat/c.JPEG"]);
        Assert.AreEqual("dog/b.png", names["dog/b.jpg"], "another folder does not collide");
    }

    private static void WriteGray(string path)
    {
        using var cat = ImageDecoder.Decode(DataFiles.Photo("chelsea.png"));
        using var gray = new SKBitmap(new SKImageInfo(cat.Width, cat.Height, SKColorType.Gray8, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(gray))
            canvas.DrawBitmap(cat, 0, 0);
        PngFile.Save(gray, path);
        Assert.IsTrue(ImageDecoder.ReadHeader(path).IsGray);
    }
}
