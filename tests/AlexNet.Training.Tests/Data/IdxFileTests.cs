using System.IO.Compression;
using AlexNet.Onnx.Datasets;
using AlexNet.Training.Data;

namespace AlexNet.Training.Tests.Data;

[TestClass]
public sealed class IdxFileTests
{
    public TestContext TestContext { get; set; } = null!;

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
            Assert.AreEqual($"{path}: not an IDX file: the magic number starts 0x8950, expected 0x0000.", e.Message);
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
            Assert.AreEqual($"{path}: truncated: the header [3, 2, 2] promises 12 values, the file holds 10.", e.Message);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [TestMethod]
    public void TruncatedGzipIsRejectedWithThePromisedCount()
    {
        string dir = DataFiles.NewScratchFolder("idx");
        try
        {
            string path = Path.Combine(dir, "cut.gz");
            var bytes = File.ReadAllBytes(Path.Combine(DataFiles.FashionMnist, "t10k-labels-idx1-ubyte.gz"));
            File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
            var e = Assert.ThrowsExactly<InvalidDataException>(() => IdxFile.Read(path));
            // GZipStream hands over what the first half decompresses to; the header check then finds it short.
            StringAssert.StartsWith(e.Message, $"{path}: truncated: the header [10000] promises 10,000 values, the file holds ");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Gzip of an IDX header [2, 2] with its 4 values, then <paramref name="trailingMegabytes"/> MiB of zeros (about 1,000:1 compressed).</summary>
    private static void WriteGzipWithTrailingZeros(string path, int trailingMegabytes)
    {
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Optimal);
        gzip.Write([0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 2, 1, 2, 3, 4]);
        var zeros = new byte[1 << 20];
        for (int i = 0; i < trailingMegabytes; i++) gzip.Write(zeros);
    }

    [TestMethod]
    public void GzipExpandingFarBeyondItsHeaderIsRejectedWithoutDecompressingIt()
    {
        string dir = DataFiles.NewScratchFolder("idx");
        try
        {
            string path = Path.Combine(dir, "bomb-idx2-ubyte.gz");
            WriteGzipWithTrailingZeros(path, trailingMegabytes: 200);
            long compressed = new FileInfo(path).Length;

            long before = GC.GetAllocatedBytesForCurrentThread();
            var e = Assert.ThrowsExactly<InvalidDataException>(() => IdxFile.Read(path));
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

            TestContext.WriteLine($"{compressed:N0} compressed bytes, {allocated:N0} bytes allocated: {e.Message}");
            StringAssert.StartsWith(e.Message, path);
            StringAssert.Contains(e.Message, "at least 65,536 bytes follow the 4 values the header [2, 2] promises");
            Assert.IsLessThan(1_000_000, compressed, "200 MiB of zeros compress to well under 1 MB");
            // The reader used to decompress all 200 MiB into memory before it looked at the header.
            Assert.IsLessThan(1L << 20, allocated, $"{allocated:N0} bytes allocated");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [TestMethod]
    public void GzipHeaderPromisingMoreThanItHoldsIsRejectedWithBothCounts()
    {
        string dir = DataFiles.NewScratchFolder("idx");
        try
        {
            string path = Path.Combine(dir, "claims-idx3-ubyte.gz");
            // Header [100000, 100, 100] promises 1e9 values; 300 follow.
            using (var gzip = new GZipStream(File.Create(path), CompressionLevel.Fastest))
                gzip.Write([0, 0, 8, 3, 0, 1, 0x86, 0xA0, 0, 0, 0, 100, 0, 0, 0, 100, .. new byte[300]]);

            long before = GC.GetAllocatedBytesForCurrentThread();
            var e = Assert.ThrowsExactly<InvalidDataException>(() => IdxFile.Read(path));
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

            TestContext.WriteLine($"{allocated:N0} bytes allocated: {e.Message}");
            StringAssert.Contains(e.Message, "truncated: the header [100000, 100, 100] promises 1,000,000,000 values, the file holds 300.");
            Assert.IsLessThan(1L << 20, allocated, $"{allocated:N0} bytes allocated for a 1 GB claim");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
