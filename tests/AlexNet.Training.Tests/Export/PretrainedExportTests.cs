using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using AlexNet.Onnx.Metadata;
using AlexNet.Onnx.Model;
using AlexNet.Training.Data;
using AlexNet.Training.Export;
using AlexNet.Training.Model;
using AlexNet.Training.Pretrained;
using AlexNet.Training.Tests.Pretrained;
using AlexNet.Training.Training;
using static TorchSharp.torch;

namespace AlexNet.Training.Tests.Export;

/// <summary>
/// <see cref="PretrainedExport"/> (export --init-from) beyond torchvision's state dict, which the integration tests
/// serve through ML.NET: our own model.onnx re-exported, and the files it cannot export, each refused with the reason.
/// </summary>
[TestClass]
public sealed class PretrainedExportTests
{
    private static readonly AlexNetArchitecture Small = AlexNetArchitecture.Small(numClasses: 3, inputChannels: 1);

    private static string Folder() => RepoPaths.NewTempFolder("pretrained-export");

    private static string ExportSmall(string folder)
    {
        random.manual_seed(5);
        using var model = new AlexNetModel(Small);
        int plane = Small.ResizeSize * Small.ResizeSize;
        var mean = new MeanImage(1, Small.ResizeSize, [.. Enumerable.Range(0, plane).Select(i => (float)(i % 251))]);
        var path = Path.Combine(folder, "model.onnx");
        ModelExport.Write(model, mean, 1.0 / 255, ["shirt", "shoe", "bag"], path);
        return path;
    }

    // A .safetensors file holding only a classifier head of [classes, 4] (float32 zeros), written as the format says.
    private static string HeadOnly(string folder, string name, int classes)
    {
        var header = Encoding.UTF8.GetBytes($"{{\"{name}\":{{\"dtype\":\"F32\",\"shape\":[{classes},4],\"data_offsets\":[0,{classes * 16}]}}}}");
        var path = Path.Combine(folder, "head.safetensors");
        var bytes = new byte[8 + header.Length + classes * 16];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)header.Length);
        header.CopyTo(bytes, 8);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [TestMethod]
    public void OurModelOnnxIsReexportedWithTheSameWeightsAndMeanUnderNewClassNames()
    {
        var folder = Folder();
        var source = ExportSmall(folder);
        var output = Path.Combine(folder, "renamed.onnx");

        var result = PretrainedExport.Write(source, "small", output, ["top", "sneaker", "handbag"]);

        Assert.AreEqual("given", result.LabelSource);
        var before = WeightFile.Read(source);
        var after = WeightFile.Read(output);
        CollectionAssert.AreEqual(new[] { "top", "sneaker", "handbag" }, after.ClassNames!.ToArray());
        CollectionAssert.AreEquivalent(before.Tensors.Keys.ToList(), after.Tensors.Keys.ToList());
        foreach (var (name, t) in before.Tensors)
            Assert.IsTrue(MemoryMarshal.AsBytes(t.Data.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(after.Tensors[name].Data.AsSpan())), $"{name} differs");
        var (oldMeta, newMeta) = (ModelMetadata.Read(source), ModelMetadata.Read(output));
        Assert.AreEqual(oldMeta.PixelScale, newMeta.PixelScale);
        Assert.IsTrue(newMeta.Mean.IsImage);
        float worst = oldMeta.Mean.Values.Zip(newMeta.Mean.Values, (a, b) => Math.Abs(a - b)).Max();
        Assert.IsLessThanOrEqualTo(1e-6f, worst, "the mean image, in scaled units (up to 250/255)");
    }

    [TestMethod]
    public void PresetOtherThanTheOneOurFileNamesIsAnErrorNamingBoth()
    {
        var folder = Folder();
        var source = ExportSmall(folder);

        var e = Assert.ThrowsExactly<InvalidDataException>(() => PretrainedExport.Write(source, "paper", Path.Combine(folder, "out.onnx")));

        Assert.AreEqual($"{source}: a model.onnx from our export of the small preset, not paper; give --preset small", e.Message);
    }

    [TestMethod]
    public void PaperPresetFromAPyTorchFileIsRefusedForWantOfItsMeanImage()
    {
        var folder = Folder();
        var source = HeadOnly(folder, "fc8.weight", 3);

        var e = Assert.ThrowsExactly<InvalidDataException>(() => PretrainedExport.Write(source, "paper", Path.Combine(folder, "out.onnx")));

        StringAssert.StartsWith(e.Message, $"{source}: a safetensors carries no mean image, and the paper preset subtracts its training set's");
    }

    [TestMethod]
    public void FileOfAnotherClassCountThanImageNetsNeedsItsClassNames()
    {
        var folder = Folder();
        var source = HeadOnly(folder, "classifier.6.weight", 3);

        var e = Assert.ThrowsExactly<InvalidDataException>(() => PretrainedExport.Write(source, "torchvision", Path.Combine(folder, "out.onnx")));

        Assert.AreEqual($"{source}: names no classes, and its last layer (classifier.6.weight, [3, 4]) has 3, not ImageNet's 1000: " +
                        "give their names (--classes FILE, one a line)", e.Message);
    }

    [TestMethod]
    public void FileThatIsNotThePresetsWholeNetworkIsNotExported()
    {
        // Only the head: every other layer would start afresh, and the export would not be the file's network.
        var folder = Folder();
        var source = HeadOnly(folder, "classifier.6.weight", 3);
        var output = Path.Combine(folder, "out.onnx");

        var e = Assert.ThrowsExactly<InvalidDataException>(() => PretrainedExport.Write(source, "torchvision", output, ["a", "b", "c"]));

        StringAssert.StartsWith(e.Message, $"{source}: does not fit this model (torchvision preset, 1 tower(s), 3 classes): it lacks towers.0.conv1.weight");
        Assert.IsFalse(File.Exists(output));
    }

    [TestMethod]
    public void TensorOfTheFileThatThePresetHasNoPlaceForIsNotLeftOutSilently()
    {
        // torchvision's AlexNet with one more tensor: exported without it, the model would not be the file's network.
        var read = TorchReference.TorchvisionZip;
        var tensors = new Dictionary<string, StoredTensor>(read.Tensors) { ["features.1.weight"] = new StoredTensor([2], [0.5f, 0.25f]) };
        var edited = new WeightFile(read.Path, read.Format, tensors, read.Skipped);
        var output = Path.Combine(Folder(), "out.onnx");

        var e = Assert.ThrowsExactly<InvalidDataException>(() => PretrainedExport.Write(edited, "torchvision", output));

        Assert.AreEqual($"{read.Path}: is not the torchvision preset's network, so an export would not compute what it does: " +
                        "the file's features.1.weight would be left out (not a layer of torchvision's AlexNet)", e.Message);
        Assert.IsFalse(File.Exists(output));
    }
}
