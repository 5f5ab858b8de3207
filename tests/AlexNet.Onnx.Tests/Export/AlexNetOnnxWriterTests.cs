using AlexNet.Onnx.Export;
using AlexNet.Onnx.Model;
using AlexNet.Onnx.Runtime;
using System.Runtime.InteropServices;
using AlexNet.Onnx.Tests.Support;
using Onnx;

namespace AlexNet.Onnx.Tests.Export;

[TestClass]
public sealed class AlexNetOnnxWriterTests
{
    [TestMethod]
    public void PaperPresetOutputsHaveTheDynamicBatchAndPaperSizes()
    {
        using var folder = new TempFolder();
        var model = ModelFile.Open(TestModels.Write(folder, AlexNetArchitecture.Paper()));
        using var scorer = new BatchScorer(model);

        var scores = scorer.Score(TestModels.RandomCrops(2, model.CropLength, seed: 1));

        Assert.AreEqual(3 * 227 * 227, model.CropLength);
        Assert.AreEqual(2 * 1000, scores.Logits.Length);
        Assert.AreEqual(2 * 1000, scores.Probabilities.Length);
        Assert.AreEqual(2 * 4096, scores.Features!.Length);
    }

    [TestMethod]
    public void GraphDeclaresOpset17Ir8AndNamedOutputs()
    {
        var architecture = AlexNetArchitecture.Small();
        var proto = AlexNetOnnxWriter.Build(architecture, TestModels.RandomWeights(architecture, 1), TestModels.Metadata(architecture));

        Assert.AreEqual(8L, proto.IrVersion);
        Assert.AreEqual(17L, proto.OpsetImport.Single().Version);
        CollectionAssert.AreEqual(new[] { "logits", "probabilities", "features" }, proto.Graph.Output.Select(o => o.Name).ToArray());
        Assert.AreEqual("batch", proto.Graph.Input.Single().Type.TensorType.Shape.Dim[0].DimParam);
        Assert.IsFalse(proto.Graph.Node.Any(n => n.OpType == "Dropout"));
    }

    [TestMethod]
    public void TwoTowersNormaliseEachTowerApartAndGroupTheirConvolutions()
    {
        var architecture = AlexNetArchitecture.Small();
        var proto = AlexNetOnnxWriter.Build(architecture, TestModels.RandomWeights(architecture, 1), TestModels.Metadata(architecture));

        var layers = proto.Graph.Node.Where(n => n.OpType == "Conv" && !IsLrnSum(n)).Select(Group).ToArray();
        CollectionAssert.AreEqual(new long[] { 1, 2, 1, 2, 2 }, layers);
        var sums = proto.Graph.Node.Where(IsLrnSum).ToArray();
        CollectionAssert.AreEqual(new long[] { 2, 2 }, sums.Select(Group).ToArray());
        // conv1's band: 64 kernels, each reading 32 of its own tower; kernel 0 sums kernels 0–2, kernel 31 sums 29–31.
        var band = Floats(proto, "conv1_lrn.band");
        CollectionAssert.AreEqual(new long[] { 64, 32, 1, 1 }, proto.Graph.Initializer.Single(t => t.Name == "conv1_lrn.band").Dims.ToArray());
        CollectionAssert.AreEqual(new[] { 1e-4f, 1e-4f, 1e-4f, 0f }, band[..4]);
        CollectionAssert.AreEqual(new[] { 0f, 1e-4f, 1e-4f, 1e-4f }, band[(31 * 32 + 28)..(32 * 32)]);
        Assert.AreEqual(2f, Floats(proto, "conv1_lrn.k")[0]);
        Assert.IsFalse(proto.Graph.Node.Any(n => n.OpType is "LRN" or "Split"));
    }

    [TestMethod]
    public void OneTowerNormalisesAcrossAllKernelsWithoutGroups()
    {
        var architecture = AlexNetArchitecture.Small().AsOneTower();
        var proto = AlexNetOnnxWriter.Build(architecture, TestModels.RandomWeights(architecture, 1), TestModels.Metadata(architecture));

        Assert.AreEqual(2, proto.Graph.Node.Count(IsLrnSum));
        Assert.IsTrue(proto.Graph.Node.Where(n => n.OpType == "Conv").All(n => Group(n) == 1));
        CollectionAssert.AreEqual(new long[] { 32, 32, 1, 1 }, proto.Graph.Initializer.Single(t => t.Name == "conv1_lrn.band").Dims.ToArray());
    }

    // A strong α makes the normalisation change activations by O(1), so a wrong window or scale would show.
    [TestMethod]
    public void TheLrnOperatorFormScoresLikeTheBandConvolutionForm()
    {
        using var folder = new TempFolder();
        var architecture = AlexNetArchitecture.Small() with { Lrn = new LrnSettings(Alpha: 0.2) };
        var weights = TestModels.RandomWeights(architecture, 1);
        var metadata = TestModels.Metadata(architecture);
        string band = folder.File("band.onnx"), op = folder.File("operator.onnx");
        AlexNetOnnxWriter.Write(band, architecture, weights, metadata);
        AlexNetOnnxWriter.Write(op, architecture, weights, metadata, LrnExport.OnnxOperator);
        var crops = TestModels.RandomCrops(3, architecture.InputChannels * architecture.InputSize * architecture.InputSize, seed: 2);

        using var bandScorer = new BatchScorer(ModelFile.Open(band));
        using var opScorer = new BatchScorer(ModelFile.Open(op));
        float diff = RawFloats.MaxAbsDiff(bandScorer.Score(crops).Logits, opScorer.Score(crops).Logits);

        Assert.AreEqual(4, AlexNetOnnxWriter.Build(architecture, weights, metadata, LrnExport.OnnxOperator).Graph.Node.Count(n => n.OpType == "LRN"));
        Assert.IsLessThanOrEqualTo(1e-4f, diff);
    }

    private static bool IsLrnSum(NodeProto node) => node.OpType == "Conv" && node.Input[1].EndsWith("_lrn.band", StringComparison.Ordinal);
    private static long Group(NodeProto node) => node.Attribute.Single(a => a.Name == "group").I;
    private static float[] Floats(ModelProto proto, string name) =>
        MemoryMarshal.Cast<byte, float>(proto.Graph.Initializer.Single(t => t.Name == name).RawData.Span).ToArray();

    [TestMethod]
    public void WeightsOfTheWrongShapeAreRejectedByName()
    {
        var architecture = AlexNetArchitecture.Small();
        var weights = TestModels.RandomWeights(architecture, 1);
        weights["conv2.weight"] = new WeightTensor([64, 32, 5, 5], new float[64 * 32 * 25]);

        var error = Assert.ThrowsExactly<ArgumentException>(() => AlexNetOnnxWriter.Build(architecture, weights, TestModels.Metadata(architecture)));

        StringAssert.Contains(error.Message, "conv2.weight");
    }

    [TestMethod]
    public void LabelCountDifferentFromClassesIsRejected()
    {
        var architecture = AlexNetArchitecture.Small();
        var metadata = TestModels.Metadata(architecture) with { Labels = TestModels.Labels(9) };

        var error = Assert.ThrowsExactly<ArgumentException>(() => AlexNetOnnxWriter.Build(architecture, TestModels.RandomWeights(architecture, 1), metadata));

        StringAssert.Contains(error.Message, "9 labels");
    }

    [TestMethod]
    public void WriteReplacesAnExistingFileAndLeavesNoTemporaryFiles()
    {
        using var folder = new TempFolder();
        var path = folder.File("model.onnx");
        File.WriteAllText(path, "old");

        TestModels.Write(folder, AlexNetArchitecture.Small());

        Assert.AreEqual(1, Directory.GetFiles(folder.Path).Length);
        Assert.IsGreaterThan(1_000_000L, new FileInfo(path).Length);
        Assert.AreEqual(10, ModelFile.Open(path).NumClasses);
    }
}
