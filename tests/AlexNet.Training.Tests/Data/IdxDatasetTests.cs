using AlexNet.Onnx.Imaging;
using AlexNet.Onnx.Datasets;
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

    [TestMethod]
    public void AtThePapersSizeOnlyTheLimitedRowsArePrepared()
    {
        // `train --preset paper --train-limit 64`: all 60,000 images at 256 px (3.9 GB) used to be prepared first.
        var data = AlexNet.Training.Training.TrainingData.Open(DataFiles.FashionMnist, 256, channels: 1, trainLimit: 64, evalLimit: 16);

        Assert.AreEqual(64, data.Train.Count);
        Assert.AreEqual(16, data.Validation.Count);
        Assert.AreEqual(256, data.Train.Size);
        var raw = IdxFile.Read(Path.Combine(DataFiles.FashionMnist, "train-labels-idx1-ubyte.gz"));
        Assert.AreEqual(raw.Data[63], data.Train.GetLabel(63));
        Assert.AreEqual(raw.Data[55_000], data.Validation.GetLabel(0), "validation is the last 5,000 rows of the training split");
        var image = new float[256 * 256];
        data.Validation.ReadImage(15, image);
        Assert.IsGreaterThan(10f, image.Average());
    }

    [TestMethod]
    public void ImagesTooManyForOneArrayAreAnErrorThatSaysWhatToPass()
    {
        string images = Path.Combine(DataFiles.FashionMnist, "train-images-idx3-ubyte.gz");
        string labels = Path.Combine(DataFiles.FashionMnist, "train-labels-idx1-ubyte.gz");

        var e = Assert.ThrowsExactly<InvalidDataException>(() => IdxDataset.Load(images, labels, 256));

        StringAssert.StartsWith(e.Message, images);
        StringAssert.Contains(e.Message, "60,000 images prepared at 256×256 take 3.7 GiB");
        StringAssert.Contains(e.Message, "take at most 32,767 images at this size (the trainer's --train-limit)");
    }
}
