using AlexNet.Training.Pretrained;

namespace AlexNet.Training.Tests.Pretrained;

/// <summary>Reading PyTorch's files: formats told by content, dtypes converted, damage reported with the file's name.</summary>
[TestClass]
public sealed class WeightFileTests
{
    private static string Scratch(string name) => Path.Combine(RepoPaths.NewTempFolder("weightfile"), name);

    [TestMethod]
    [DataRow("small.pth", WeightFormat.PyTorchZip, DisplayName = "zip format")]
    [DataRow("small_legacy.pth", WeightFormat.PyTorchLegacy, DisplayName = "legacy format")]
    [DataRow("small.safetensors", WeightFormat.Safetensors, DisplayName = "safetensors")]
    public void Float64Float16AndBFloat16ReadAsFloat32AndIntegerBuffersAreSkipped(string file, WeightFormat format)
    {
        var read = WeightFile.Read(TorchReference.File(file));

        Assert.AreEqual(format, read.Format);
        CollectionAssert.AreEqual(new long[] { 2, 3 }, read.Tensors["w64"].Shape);
        CollectionAssert.AreEqual(new[] { 0.1f, -2.5f, 1e-3f, 3.0f, 4.25f, -7.0f }, read.Tensors["w64"].Data);
        CollectionAssert.AreEqual(new[] { 0.5f, -1.25f, 65504f, (float)(Half)0.1f }, read.Tensors["w16"].Data);
        CollectionAssert.AreEqual(new[] { 1.5f, -3.0f }, read.Tensors["wbf16"].Data);
        Assert.HasCount(4, read.Tensors);
        Assert.HasCount(1, read.Skipped);
        Assert.AreEqual("bn.num_batches_tracked: batch norm's step counter (int64), not a weight", read.Skipped[0].ToString());
    }

    [TestMethod]
    [DataRow("small.pth", DisplayName = "zip format")]
    [DataRow("small_legacy.pth", DisplayName = "legacy format")]
    [DataRow("small.safetensors", DisplayName = "safetensors")]
    public void TransposedTensorIsReadInItsLogicalOrder(string file)
    {
        var read = WeightFile.Read(TorchReference.File(file));

        // torch.arange(6).reshape(2, 3).t(): [[0, 3], [1, 4], [2, 5]], stored with strides (1, 3) by torch.save.
        CollectionAssert.AreEqual(new long[] { 3, 2 }, read.Tensors["transposed"].Shape);
        CollectionAssert.AreEqual(new float[] { 0, 3, 1, 4, 2, 5 }, read.Tensors["transposed"].Data);
    }

    [TestMethod]
    [DataRow("small.pth", "weights.safetensors", WeightFormat.PyTorchZip)]
    [DataRow("small_legacy.pth", "weights.onnx", WeightFormat.PyTorchLegacy)]
    [DataRow("small.safetensors", "weights.pth", WeightFormat.Safetensors)]
    public void FormatIsToldFromTheContentNotTheExtension(string file, string misleadingName, WeightFormat format)
    {
        var path = Scratch(misleadingName);
        File.Copy(TorchReference.File(file), path);

        Assert.AreEqual(format, WeightFile.Detect(path));
        Assert.HasCount(4, WeightFile.Read(path).Tensors);
    }

    [TestMethod]
    public void ZipStateDictCutInHalfNamesTheFileAndTheDamagedArchive()
    {
        var path = Scratch("cut.pth");
        var bytes = File.ReadAllBytes(TorchReference.File("small.pth"));
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);

        var e = Assert.ThrowsExactly<InvalidDataException>(() => WeightFile.Read(path));

        Console.WriteLine(e.Message);
        StringAssert.StartsWith(e.Message, $"{path}: not a PyTorch state dict (the zip archive is damaged: ");
    }

    [TestMethod]
    public void LegacyStateDictCutInHalfNamesTheFileAndSaysItIsTruncated()
    {
        var path = Scratch("cut_legacy.pth");
        var bytes = File.ReadAllBytes(TorchReference.File("small_legacy.pth"));
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);

        var e = Assert.ThrowsExactly<InvalidDataException>(() => WeightFile.Read(path));

        Console.WriteLine(e.Message);
        StringAssert.StartsWith(e.Message, $"{path}: not a PyTorch state dict (");
        StringAssert.Contains(e.Message, "truncated");
    }

    [TestMethod]
    public void LegacyStateDictMissingItsLastBytesNamesTheStorageItEndsIn()
    {
        var path = Scratch("short_legacy.pth");
        var bytes = File.ReadAllBytes(TorchReference.File("small_legacy.pth"));
        File.WriteAllBytes(path, bytes[..^3]);

        var e = Assert.ThrowsExactly<InvalidDataException>(() => WeightFile.Read(path));

        Console.WriteLine(e.Message);
        StringAssert.StartsWith(e.Message, path);
        StringAssert.Contains(e.Message, "the file ends inside the data of storage");
    }

    [TestMethod]
    public void SafetensorsCutShortNamesTheFileAndTheTensorPastItsEnd()
    {
        var path = Scratch("cut.safetensors");
        var bytes = File.ReadAllBytes(TorchReference.File("small.safetensors"));
        File.WriteAllBytes(path, bytes[..^4]);

        var e = Assert.ThrowsExactly<InvalidDataException>(() => WeightFile.Read(path));

        Console.WriteLine(e.Message);
        StringAssert.StartsWith(e.Message, $"{path}: not a readable .safetensors file (tensor '");
        StringAssert.Contains(e.Message, "the file is truncated");
    }

    [TestMethod]
    public void GarbagePthNamesTheFileAndSaysItIsNotAStateDict()
    {
        var path = Scratch("garbage.pth");
        var garbage = new byte[4096];
        new Random(3).NextBytes(garbage);
        garbage[0] = 0x47; // not a zip, pickle, checkpoint, safetensors or protobuf start
        File.WriteAllBytes(path, garbage);

        var e = Assert.ThrowsExactly<InvalidDataException>(() => WeightFile.Read(path));

        Console.WriteLine(e.Message);
        StringAssert.StartsWith(e.Message, $"{path}: not a PyTorch state dict: it starts with bytes 47");
    }

    [TestMethod]
    public void ZipWithGarbageInsideTheArchiveNamesTheFile()
    {
        var path = Scratch("damaged.pth");
        var bytes = File.ReadAllBytes(TorchReference.File("small.pth"));
        new Random(4).NextBytes(bytes.AsSpan(30, bytes.Length / 2)); // the pickle and the first tensors, past the first local header's signature
        File.WriteAllBytes(path, bytes);

        var e = Assert.ThrowsExactly<InvalidDataException>(() => WeightFile.Read(path));

        Console.WriteLine(e.Message);
        StringAssert.StartsWith(e.Message, $"{path}: not a PyTorch state dict (");
    }

    [TestMethod]
    public void ChangedByteInsideATensorOfAZipStateDictFailsItsCrc()
    {
        var path = Scratch("flipped.pth");
        var bytes = File.ReadAllBytes(TorchReference.File("small.pth"));
        int at = bytes.AsSpan().IndexOf(BitConverter.GetBytes(4.25)); // w64[1, 1], a float64 inside data/<key>
        Assert.IsGreaterThanOrEqualTo(0, at);
        bytes[at + 7] ^= 0x01; // 4.25 becomes 17
        File.WriteAllBytes(path, bytes);

        var e = Assert.ThrowsExactly<InvalidDataException>(() => WeightFile.Read(path));

        Console.WriteLine(e.Message);
        StringAssert.StartsWith(e.Message, $"{path}: not a PyTorch state dict (the zip archive is damaged: small/data/");
        StringAssert.Contains(e.Message, "fails its CRC-32 check");
    }

    [TestMethod]
    public void EmptyFileNamesTheFileAndSaysItIsEmpty()
    {
        var path = Scratch("empty.pth");
        File.WriteAllBytes(path, []);

        var e = Assert.ThrowsExactly<InvalidDataException>(() => WeightFile.Read(path));

        Assert.AreEqual($"{path}: the file is empty (0 bytes)", e.Message);
    }

    [TestMethod]
    public void MissingFileIsFileNotFoundNamingIt()
    {
        var path = Scratch("absent.pth");

        var e = Assert.ThrowsExactly<FileNotFoundException>(() => WeightFile.Read(path));

        Assert.AreEqual(path, e.FileName);
        StringAssert.StartsWith(e.Message, path);
    }
}
