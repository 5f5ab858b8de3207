using System.IO.Compression;
using AlexNet.Training.Data;

namespace AlexNet.Training.Tests.Data;

[TestClass]
public sealed class IdxFileTests
{
    [TestMethod]
    public void ReadsFashionMnistTestLabelsFromGzip()
    {
        var labels = IdxFile.Read(Path.Combine(DataFiles.FashionMnist, "t10k-labels-idx1-ubyte.gz"));
        CollectionAssert.AreEqual(new[] { 10000 }, labels.Dimensions);
        CollectionAssert.AreEqual(new byte[] { 9, 2, 1, 1, 6, 1, 4, 6, 5, 7 }, labels.Data[..10]);
        for (byte c = 0; c < 10; c++) Assert.AreEqual(1000, labels.Data.Count(l => l == c), $"class {c}");
    }

    [TestMethod]
    public void ReadsFashionMnistTestImagesWithTheirShape()
    {
        var images = IdxFile.Read(Path.Combine(DataFiles.FashionMnist, "t10k-images-idx3-ubyte.gz"));
        CollectionAssert.AreEqual(new[] { 10000, 28, 28 }, images.Dimensions);
        Assert.AreEqual(784, images.ItemSize);
        Assert.AreEqual(33456, images.Data.Take(784).Sum(b => b), "pixel sum of the first test image (an ankle boot)");
    }

    [TestMethod]
    public void RawFileReadsTheSameAsItsGzip()
    {
        string dir = DataFiles.NewScratchFolder("idx");
        try
        {
            string raw = Path.Combine(dir, "labels");
            using (var gz = new GZipStream(File.OpenRead(Path.Combine(DataFiles.FashionMnist, "t10k-labels-idx1-ubyte.gz")), CompressionMode.Decompress))
            using (var file = File.Create(raw))
                gz.CopyTo(file);
            var fromRaw = IdxFile.Read(raw);
            var fromGzip = IdxFile.Read(Path.Combine(DataFiles.FashionMnist, "t10k-labels-idx1-ubyte.gz"));
            CollectionAssert.AreEqual(fromGzip.Data, fromRaw.Data);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [TestMethod]
    public void WrongMagicIsRejectedNamingTheFile()
    {
        string dir = DataFiles.NewScratchFolder("idx");
        try
        {
            string path = Path.Combine(dir, "not-idx.bin");
            File.WriteAllBytes(path, [0x89, 0x50, 0x4E, 0x47, 0, 0, 0, 1, 7]);
            var e = Assert.ThrowsExactly<InvalidDataException>(() => IdxFile.Read(path));
            StringAssert.StartsWith(e.Message, path);
            StringAssert.Contains(e.Message, "magic");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [TestMethod]
    public void TruncatedFileIsRejectedWithPromisedAndActualCounts()
    {
        string dir = DataFiles.NewScratchFolder("idx");
        try
        {
            string path = Path.Combine(dir, "short-idx3-ubyte");
            // Header [3, 2, 2] promises 12 values; only 10 follow.
            File.WriteAllBytes(path, [0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 2, .. new byte[10]]);
            var e = Assert.ThrowsExactly<InvalidDataException>(() => IdxFile.Read(path));
            StringAssert.StartsWith(e.Message, path);
            StringAssert.Contains(e.Message, "truncated");
            StringAssert.Contains(e.Message, "promises 12 values, the file holds 10");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [TestMethod]
    public void TruncatedGzipIsRejectedNamingTheFile()
    {
        string dir = DataFiles.NewScratchFolder("idx");
        try
        {
            string path = Path.Combine(dir, "cut.gz");
            var bytes = File.ReadAllBytes(Path.Combine(DataFiles.FashionMnist, "t10k-labels-idx1-ubyte.gz"));
            File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
            var e = Assert.ThrowsExactly<InvalidDataException>(() => IdxFile.Read(path));
            StringAssert.StartsWith(e.Message, path);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
