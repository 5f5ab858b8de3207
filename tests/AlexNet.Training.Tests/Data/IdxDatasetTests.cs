using System.IO.Compression;
using AlexNet.Onnx.Datasets;
using AlexNet.Training.Data;

namespace AlexNet.Training.Tests.Data;

[TestClass]
public sealed class IdxDatasetTests
{
    /// <summary>A vendored Fashion-MNIST file decompressed with <see cref="GZipStream"/> alone, header included, so the
    /// expected values do not come through <see cref="IdxFile"/>, which the dataset reads with.</summary>
    private static byte[] RawBytes(string name)
    {
        using var gzip = new GZipStream(File.OpenRead(Path.Combine(DataFiles.FashionMnist, name)), CompressionMode.Decompress);
        using var bytes = new MemoryStream();
        gzip.CopyTo(bytes);
        return bytes.ToArray();
    }

    [TestMethod]
    public void AtTheOriginalSizeImagesAreTheRawBytes()
    {
        var dataset = FashionMnist.Test(DataFiles.FashionMnist, 28, limit: 5);
        var raw = RawBytes("t10k-images-idx3-ubyte.gz");
        CollectionAssert.AreEqual(new byte[] { 0, 0, 8, 3, 0, 0, 0x27, 0x10, 0, 0, 0, 28, 0, 0, 0, 28 }, raw[..16], "IDX header [10000, 28, 28]");
        var image = new float[784];
        dataset.ReadImage(3, image);
        CollectionAssert.AreEqual(raw.AsSpan(16 + 3 * 784, 784).ToArray().Select(b => (float)b).ToArray(), image);
        Assert.AreEqual(5, dataset.Count);
        Assert.AreEqual(1, dataset.GetLabel(3));
        Assert.AreEqual("Trouser", dataset.ClassNames[dataset.GetLabel(3)]);
    }

    [TestMethod]
    public void ResizedImagesAreMlNetsIsoCropOfTheGrayImage()
    {
        var dataset = FashionMnist.Test(DataFiles.FashionMnist, 32, limit: 3);
        var image = new float[32 * 32];

        dataset.ReadImage(2, image);

        // ML.NET 5.0.1's figures for test image 2 (a pair of trousers): MLImage.CreateFromPixels of its 28 × 28 gray
        // bytes as RGBA, ResizeImages(32, 32, IsoCrop, Center), ExtractPixels(Red, planar).
        Assert.AreEqual(67535f, image.Sum(), "sum of the 1,024 values");
        CollectionAssert.AreEqual(new float[]
        {
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 179, 247, 236, 226, 142, 5, 2, 49, 195, 239, 240, 215, 89, 3, 0, 0, 0, 0, 0, 0, 0, 0,
        }, image[(16 * 32)..(17 * 32)], "row 16: the two legs");
        CollectionAssert.AreEqual(new float[]
        {
            124, 220, 237, 228, 228, 228, 230, 240, 204, 60, 20, 17, 10, 5, 4, 3, 2, 0, 0, 0, 0, 0, 0, 0, 3, 5, 10, 16, 18, 37, 62, 8,
        }, Enumerable.Range(0, 32).Select(y => image[y * 32 + 16]).ToArray(), "column 16: the waist, then the gap between the legs");
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
        var labels = RawBytes("train-labels-idx1-ubyte.gz");   // an 8-byte header, then one byte per image
        Assert.AreEqual(labels[8 + 63], data.Train.GetLabel(63));
        Assert.AreEqual(labels[8 + 55_000], data.Validation.GetLabel(0), "validation is the last 5,000 rows of the training split");
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
