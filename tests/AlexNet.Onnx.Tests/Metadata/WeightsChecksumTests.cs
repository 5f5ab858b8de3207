using AlexNet.Onnx.Export;
using AlexNet.Onnx.Metadata;
using AlexNet.Onnx.Model;
using AlexNet.Onnx.Serving;
using AlexNet.Onnx.Tests.Support;
using Google.Protobuf;
using Onnx;

namespace AlexNet.Onnx.Tests.Metadata;

[TestClass]
public sealed class WeightsChecksumTests
{
    private static ModelProto Load(string path) => ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));

    private static string Stored(ModelProto model) => model.MetadataProps.Single(p => p.Key == MetadataKeys.WeightsSha256).Value;

    /// <summary>Offset in the file of the first byte of an initializer's raw data (found by its bytes, unique for real weights).</summary>
    private static int RawDataOffset(string path, string initializer)
    {
        var bytes = File.ReadAllBytes(path);
        var raw = Load(path).Graph.Initializer.Single(t => t.Name == initializer).RawData.ToByteArray();
        int offset = bytes.AsSpan().IndexOf(raw);
        Assert.IsGreaterThan(0, offset, $"{initializer}'s raw data is in the file");
        return offset;
    }

    private static void FlipByte(string path, int offset)
    {
        var bytes = File.ReadAllBytes(path);
        bytes[offset] ^= 0xFF;
        File.WriteAllBytes(path, bytes);
    }

    [TestMethod]
    public void WrittenChecksumMatchesAnIndependentPythonImplementation()
    {
        SystemPython.Require("onnx", "python3-onnx");
        using var folder = new TempFolder();
        // Two towers with ONNX's LRN op: the graph then also holds int64 initializers (Split sizes), stored as
        // int64_data, not raw_data.
        var architecture = AlexNetArchitecture.Small();
        var path = folder.File("model.onnx");
        AlexNetOnnxWriter.Write(path, architecture, TestModels.RandomWeights(architecture, 1), TestModels.Metadata(architecture), LrnExport.OnnxOperator);
        Assert.IsTrue(Load(path).Graph.Initializer.Any(t => t.Int64Data.Count > 0), "the model has a typed (non-raw) initializer");

        var lines = SystemPython.RunScript("weights_sha256.py", path).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.HasCount(2, lines);
        Assert.AreEqual(64, lines[0].Length, "SHA-256 in hex");
        Assert.AreEqual(lines[0], lines[1], "stored vs recomputed in Python");
        Assert.AreEqual(WeightsChecksum.Compute(Load(path).Graph), lines[1]);
    }

    [TestMethod]
    public void FlippedWeightByteIsRejectedNamingTheFileAndTheChecksum()
    {
        using var folder = new TempFolder();
        var path = TestModels.Write(folder, AlexNetArchitecture.Small());
        FlipByte(path, RawDataOffset(path, "fc8.weight") + 100);

        var error = Assert.ThrowsExactly<ModelFileException>(() => ModelFile.Open(path));

        StringAssert.StartsWith(error.Message, path + ": the weights do not match their checksum");
        StringAssert.Contains(error.Message, MetadataKeys.WeightsSha256);
        StringAssert.Contains(error.Message, "damaged or was edited");
        Assert.AreEqual(path, error.FilePath);
    }

    [TestMethod]
    public void ExplicitSettingsDoNotSkipTheCheck()
    {
        using var folder = new TempFolder();
        var path = TestModels.Write(folder, AlexNetArchitecture.Small());
        FlipByte(path, RawDataOffset(path, "conv1.bias"));
        var settings = new ModelMetadata { Labels = [], InputSize = 28, ResizeSize = 32, InputChannels = 1, ChannelOrder = ChannelOrder.Gray, Mean = PixelMean.Zero(1) };

        var error = Assert.ThrowsExactly<ModelFileException>(() => ModelFile.Open(path, settings));

        StringAssert.Contains(error.Message, "do not match their checksum");
    }

    [TestMethod]
    public void FileWithoutTheChecksumOpensWithEditedWeights()
    {
        using var folder = new TempFolder();
        var path = TestModels.Write(folder, AlexNetArchitecture.Small());
        var model = Load(path);
        model.MetadataProps.Remove(model.MetadataProps.Single(p => p.Key == MetadataKeys.WeightsSha256));
        var fc8 = model.Graph.Initializer.Single(t => t.Name == "fc8.bias");
        var bias = fc8.RawData.ToByteArray();
        bias[0] ^= 0xFF;
        fc8.RawData = ByteString.CopyFrom(bias);
        File.WriteAllBytes(path, model.ToByteArray());

        var opened = ModelFile.Open(path);

        Assert.AreEqual(10, opened.NumClasses);
    }

    [TestMethod]
    public void ChecksumIgnoresTheOrderOfInitializers()
    {
        using var folder = new TempFolder();
        var graph = Load(TestModels.Write(folder, AlexNetArchitecture.Small())).Graph;
        string before = WeightsChecksum.Compute(graph);
        var reversed = graph.Initializer.Reverse().ToArray();
        graph.Initializer.Clear();
        graph.Initializer.Add(reversed);

        Assert.AreEqual(before, WeightsChecksum.Compute(graph));
    }

    [TestMethod]
    public void ChecksumChangesWhenTwoSameShapedTensorsSwapNames()
    {
        using var folder = new TempFolder();
        var graph = Load(TestModels.Write(folder, AlexNetArchitecture.Small())).Graph;
        string before = WeightsChecksum.Compute(graph);
        var a = graph.Initializer.Single(t => t.Name == "conv3.bias");
        var b = graph.Initializer.Single(t => t.Name == "conv4.bias");
        CollectionAssert.AreEqual(a.Dims.ToArray(), b.Dims.ToArray(), "conv3 and conv4 biases have one shape in the small preset");
        (a.Name, b.Name) = (b.Name, a.Name);

        Assert.AreNotEqual(before, WeightsChecksum.Compute(graph));
    }

    [TestMethod]
    public void ServingGraphCarriesNoWeightsChecksum()
    {
        using var folder = new TempFolder();
        var model = ModelFile.Open(TestModels.Write(folder, AlexNetArchitecture.Small()));

        var serving = ServingGraph.Build(model, new ServingGraphOptions());

        // Its initializers are renamed and joined by constants, so the classifier's digest would be stale there.
        Assert.IsFalse(serving.MetadataProps.Any(p => p.Key == MetadataKeys.WeightsSha256));
        Assert.AreEqual("small", serving.MetadataProps.Single(p => p.Key == MetadataKeys.Preset).Value);
    }

    [TestMethod]
    public void ServingGraphRefusesAFileDamagedAfterItWasOpened()
    {
        using var folder = new TempFolder();
        var path = TestModels.Write(folder, AlexNetArchitecture.Small());
        var model = ModelFile.Open(path);
        FlipByte(path, RawDataOffset(path, "fc6.weight") + 7);

        var error = Assert.ThrowsExactly<ModelFileException>(() => ServingGraph.Build(model, new ServingGraphOptions()));

        StringAssert.Contains(error.Message, "do not match their checksum");
    }
}
