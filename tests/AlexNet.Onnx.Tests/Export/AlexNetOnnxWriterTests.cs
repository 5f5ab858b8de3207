using AlexNet.Onnx.Export;
using AlexNet.Onnx.Model;
using AlexNet.Onnx.Runtime;
using AlexNet.Onnx.Tests.Support;

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

        Assert.AreEqual(2, proto.Graph.Node.Count(n => n.OpType == "Split"));
        Assert.AreEqual(4, proto.Graph.Node.Count(n => n.OpType == "LRN"));
        var groups = proto.Graph.Node.Where(n => n.OpType == "Conv").Select(n => n.Attribute.Single(a => a.Name == "group").I).ToArray();
        CollectionAssert.AreEqual(new long[] { 1, 2, 1, 2, 2 }, groups);
        var alpha = proto.Graph.Node.First(n => n.OpType == "LRN").Attribute.Single(a => a.Name == "alpha").F;
        Assert.AreEqual(5e-4f, alpha, 1e-9f);
    }

    [TestMethod]
    public void OneTowerUsesOneLrnPerLayerAndNoGroups()
    {
        var architecture = AlexNetArchitecture.Small().AsOneTower();
        var proto = AlexNetOnnxWriter.Build(architecture, TestModels.RandomWeights(architecture, 1), TestModels.Metadata(architecture));

        Assert.AreEqual(0, proto.Graph.Node.Count(n => n.OpType == "Split"));
        Assert.AreEqual(2, proto.Graph.Node.Count(n => n.OpType == "LRN"));
        Assert.IsTrue(proto.Graph.Node.Where(n => n.OpType == "Conv").All(n => n.Attribute.Single(a => a.Name == "group").I == 1));
    }

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
