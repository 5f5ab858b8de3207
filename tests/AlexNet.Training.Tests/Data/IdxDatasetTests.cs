using AlexNet.Onnx.Imaging;
using AlexNet.Training.Data;

namespace AlexNet.Training.Tests.Data;

[TestClass]
public sealed class IdxDatasetTests
{
    [TestMethod]
    public void AtTheOriginalSizeImagesAreTheRawBytes()
    {
        var dataset = FashionMnist.Test(DataFiles.FashionMnist, 28, limit: 5);
        var raw = IdxFile.Read(Path.Combine(DataFiles.FashionMnist, "t10k-images-idx3-ubyte.gz"));
        var image = new float[784];
        dataset.ReadImage(3, image);
        CollectionAssert.AreEqual(raw.Data.AsSpan(3 * 784, 784).ToArray().Select(b => (float)b).ToArray(), image);
        Assert.AreEqual(5, dataset.Count);
        Assert.AreEqual(1, dataset.GetLabel(3));
        Assert.AreEqual("Trouser", dataset.ClassNames[dataset.GetLabel(3)]);
    }

    [TestMethod]
    public void ResizedImagesComeFromTheSharedIsoCropPath()
    {
        var dataset = FashionMnist.Test(DataFiles.FashionMnist, 32, limit: 3);
        var raw = IdxFile.Read(Path.Combine(DataFiles.FashionMnist, "t10k-images-idx3-ubyte.gz"));
        using var bitmap = GrayImage.ToBitmap(raw.Data.AsSpan(2 * 784, 784), 28, 28);
        using var resized = IsoCropResize.Resize(bitmap, 32);
        var expected = new float[32 * 32];
        PlanarPixels.Extract(resized, 1, expected);
        var image = new float[32 * 32];
        dataset.ReadImage(2, image);
        CollectionAssert.AreEqual(expected, image);
        Assert.IsGreaterThan(20f, image.Average(), "a garment, not a blank image");
    }

    [TestMethod]
    public void LabelsFileOfAnotherLengthIsRejectedNamingIt()
    {
        string images = Path.Combine(DataFiles.FashionMnist, "t10k-images-idx3-ubyte.gz");
        string labels = Path.Combine(DataFiles.FashionMnist, "train-labels-idx1-ubyte.gz");
        var e = Assert.ThrowsExactly<InvalidDataException>(() => IdxDataset.Load(images, labels, 28));
        StringAssert.StartsWith(e.Message, labels);
        StringAssert.Contains(e.Message, "labels for the");
        StringAssert.Contains(e.Message, images);
    }
}
