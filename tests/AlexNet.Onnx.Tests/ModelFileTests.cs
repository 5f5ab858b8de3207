using AlexNet.Onnx.Metadata;
using AlexNet.Onnx.Model;
using AlexNet.Onnx.Tests.Support;
using Google.Protobuf;
using Onnx;

namespace AlexNet.Onnx.Tests;

[TestClass]
public sealed class ModelFileTests
{
    private static ModelFileException OpenFails(string path, ModelMetadata? settings = null)
    {
        var error = Assert.ThrowsExactly<ModelFileException>(() => ModelFile.Open(path, settings));
        StringAssert.StartsWith(error.Message, path);
        Assert.AreEqual(path, error.FilePath);
        return error;
    }

    private static void Rewrite(string path, Action<ModelProto> change)
    {
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        change(model);
        File.WriteAllBytes(path, model.ToByteArray());
    }

    [TestMethod]
    public void OurFileDescribesItsInputAndOutputs()
    {
        using var folder = new TempFolder();
        var model = ModelFile.Open(TestModels.Write(folder, AlexNetArchitecture.Small()));

        Assert.IsTrue(model.IsSelfDescribing);
        Assert.AreEqual("input", model.InputName);
        Assert.AreEqual("logits", model.LogitsName);
        Assert.AreEqual("probabilities", model.ProbabilitiesName);
        Assert.AreEqual("features", model.FeaturesName);
        Assert.AreEqual(10, model.NumClasses);
        Assert.AreEqual(1024, model.FeatureSize);
        Assert.AreEqual(28 * 28, model.CropLength);
        Assert.AreEqual("class-3", model.Labels[3]);
    }

    // As torch.onnx.export names them: class scores "output", beside fc7 as "features".
    private static void RenameOutput(ModelProto m, string from, string to)
    {
        foreach (var node in m.Graph.Node)
        {
            for (int i = 0; i < node.Output.Count; i++) if (node.Output[i] == from) node.Output[i] = to;
            for (int i = 0; i < node.Input.Count; i++) if (node.Input[i] == from) node.Input[i] = to;
        }
        m.Graph.Output.Single(o => o.Name == from).Name = to;
    }

    [TestMethod]
    public void ClassScoresUnderAnotherNameAreTheOutputBesidesFeaturesAndProbabilities()
    {
        using var folder = new TempFolder();
        var path = TestModels.Write(folder, AlexNetArchitecture.Small());
        Rewrite(path, m => RenameOutput(m, "logits", "output"));

        var model = ModelFile.Open(path);

        Assert.AreEqual("output", model.LogitsName);
        Assert.AreEqual("features", model.FeaturesName);
        Assert.AreEqual("probabilities", model.ProbabilitiesName);
        CollectionAssert.AreEquivalent(new[] { "output", "features", "probabilities" }, model.OutputNames.ToArray());
    }

    [TestMethod]
    public void TwoOutputsNeitherNamedLogitsNorKnownAreNamed()
    {
        using var folder = new TempFolder();
        var path = TestModels.Write(folder, AlexNetArchitecture.Small());
        Rewrite(path, m =>
        {
            RenameOutput(m, "logits", "output");
            RenameOutput(m, "features", "fc7");
        });

        var error = OpenFails(path);

        StringAssert.Contains(error.Message, "none is named 'logits'");
        StringAssert.Contains(error.Message, "fc7");
    }

    [TestMethod]
    public void MissingFileIsNamed()
    {
        using var folder = new TempFolder();
        StringAssert.Contains(OpenFails(folder.File("nope.onnx")).Message, "does not exist");
    }

    [TestMethod]
    public void EmptyFileIsNamed()
    {
        using var folder = new TempFolder();
        var path = folder.File("empty.onnx");
        File.WriteAllBytes(path, []);
        Assert.AreEqual($"{path}: the model file is empty (0 bytes).", OpenFails(path).Message);
    }

    [TestMethod]
    public void TruncatedFileIsNamed()
    {
        using var folder = new TempFolder();
        var path = TestModels.Write(folder, AlexNetArchitecture.Small());
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        Assert.AreEqual($"{path}: the model file is truncated ({bytes.Length / 2} bytes; the protobuf data ends in the middle of a field).", OpenFails(path).Message);
    }

    [TestMethod]
    public void FileCutInsideItsMetadataReadsAsIncomplete()
    {
        using var folder = new TempFolder();
        var path = TestModels.Write(folder, AlexNetArchitecture.Small());
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        // Cut just before the last entry (the mean) starts: the protobuf still parses, the metadata does not.
        int meanEntry = 1 + CodedOutputStream.ComputeMessageSize(model.MetadataProps.Last());
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length - meanEntry)]);

        var error = OpenFails(path);

        StringAssert.Contains(error.Message, "alexnet.mean");
        StringAssert.Contains(error.Message, "truncated");
    }

    [TestMethod]
    public void NonOnnxBytesAreNamed()
    {
        using var folder = new TempFolder();
        var path = folder.File("photo.onnx");
        File.WriteAllText(path, "this is a text file, not a model\n");
        // Then the protobuf library's own words on what it could not parse.
        StringAssert.StartsWith(OpenFails(path).Message, $"{path}: the file is not an ONNX model (protobuf parse failed: ");
    }

    [TestMethod]
    public void ModelWithoutMetadataNeedsExplicitSettings()
    {
        using var folder = new TempFolder();
        var path = TestModels.Write(folder, AlexNetArchitecture.Small());
        Rewrite(path, m => m.MetadataProps.Clear());

        Assert.AreEqual($"{path}: the model has no AlexNet metadata (no 'alexnet.*' entries in metadata_props); pass explicit preprocessing settings for a foreign model.",
            OpenFails(path).Message);
        var settings = new ModelMetadata { Labels = [], InputSize = 28, ResizeSize = 32, InputChannels = 1, ChannelOrder = ChannelOrder.Gray, Mean = PixelMean.Zero(1) };
        var model = ModelFile.Open(path, settings);
        Assert.IsFalse(model.IsSelfDescribing);
        Assert.AreEqual("9", model.Labels[9]);
    }

    [TestMethod]
    public void LabelCountNotMatchingTheOutputIsNamed()
    {
        using var folder = new TempFolder();
        var path = TestModels.Write(folder, AlexNetArchitecture.Small());
        var settings = new ModelMetadata { Labels = TestModels.Labels(7), InputSize = 28, ResizeSize = 32, InputChannels = 1, ChannelOrder = ChannelOrder.Gray, Mean = PixelMean.Zero(1) };

        var error = OpenFails(path, settings);

        StringAssert.Contains(error.Message, "7 labels");
        StringAssert.Contains(error.Message, "10 classes");
    }

    [TestMethod]
    public void WrongInputRankIsNamed()
    {
        using var folder = new TempFolder();
        var path = TestModels.Write(folder, AlexNetArchitecture.Small());
        Rewrite(path, m =>
        {
            var dims = m.Graph.Input[0].Type.TensorType.Shape.Dim;
            dims.RemoveAt(3);
            dims.RemoveAt(2);
        });

        var error = OpenFails(path);

        StringAssert.Contains(error.Message, "rank 2");
        StringAssert.Contains(error.Message, "'input'");
    }

    [TestMethod]
    public void InputSizeDifferentFromTheSettingsIsNamed()
    {
        using var folder = new TempFolder();
        var path = TestModels.Write(folder, AlexNetArchitecture.Small());
        var settings = new ModelMetadata { Labels = [], InputSize = 24, ResizeSize = 32, InputChannels = 1, ChannelOrder = ChannelOrder.Gray, Mean = PixelMean.Zero(1) };

        StringAssert.Contains(OpenFails(path, settings).Message, "28 height");
    }
}
