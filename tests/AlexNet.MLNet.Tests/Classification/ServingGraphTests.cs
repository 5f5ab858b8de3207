using AlexNet.Onnx.Imaging;
using AlexNet.MLNet.Tests.Support;
using AlexNet.Onnx;
using AlexNet.Onnx.Serving;
using Google.Protobuf;

namespace AlexNet.MLNet.Tests.Classification;

/// <summary>The generated serving graph is valid ONNX and lays out the crops as documented.</summary>
[TestClass]
public sealed class ServingGraphTests
{
    [TestMethod]
    [DataRow(CropMode.TenCrop, false)]
    [DataRow(CropMode.CentreCrop, false)]
    [DataRow(CropMode.WholeImage, false)]
    [DataRow(CropMode.TenCrop, true)]
    [DataRow(CropMode.CentreCrop, true)]
    [DataRow(CropMode.WholeImage, true)]
    public void ServingGraphPassesTheOfficialCheckerWithFullShapeInference(CropMode mode, bool cropPadding)
    {
        using var folder = new TempFolder();
        var path = folder.File("serving.onnx");
        File.WriteAllBytes(path, ServingGraph.ToBytes(ModelFile.Open(cropPadding ? TestModels.RgbPadded : TestModels.Rgb),
            new ServingGraphOptions { CropMode = mode, FeaturesName = "Features" }));
        var start = new System.Diagnostics.ProcessStartInfo("/usr/bin/python3") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "-c", "import onnx,sys; m=onnx.load(sys.argv[1]); onnx.checker.check_model(m, full_check=True); print(len(m.graph.node))", path })
            start.ArgumentList.Add(a);
        using var process = System.Diagnostics.Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd(), error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (error.Contains("No module named 'onnx'")) Assert.Inconclusive("install Debian's python3-onnx");
        Assert.AreEqual(0, process.ExitCode, error);
        Assert.IsGreaterThan(10, int.Parse(output.Trim()));
    }

    [TestMethod]
    public void ClassifierNamesAreInlinedUnderThePrefixAndTheMetadataCarriesTheCropMode()
    {
        var graph = ServingGraph.Build(ModelFile.Open(TestModels.Rgb), new ServingGraphOptions());
        Assert.IsTrue(graph.Graph.Initializer.Any(i => i.Name == ServingGraph.InlinedPrefix + "fc8.weight"));
        Assert.AreEqual("TenCrop", graph.MetadataProps.Single(p => p.Key == ServingGraph.CropModeKey).Value);
        Assert.AreEqual("mlnet.Score.SlotNames", graph.Graph.Node.Single(n => n.Domain == "ai.onnx.ml" && n.Input[0] == "labels").Name);
        CollectionAssert.AreEqual(new[] { "Score.batch", "Score", "PredictedLabel", "mlnet.Score.unusedOutput" }, graph.Graph.Output.Select(o => o.Name).ToArray());
    }

    [TestMethod]
    public void WithoutPerImageOutputsEveryOutputIsABatchOutputUnderItsPlainName()
    {
        var graph = ServingGraph.Build(ModelFile.Open(TestModels.Rgb), new ServingGraphOptions { PerImageOutputs = false, FeaturesName = "Features" });
        CollectionAssert.AreEqual(new[] { "Score", "Features", "PredictedLabel" }, graph.Graph.Output.Select(o => o.Name).ToArray());
        CollectionAssert.AreEqual(new[] { "N", "N", "N" }, graph.Graph.Output.Select(o => o.Type.TensorType.Shape.Dim[0].DimParam).ToArray());
        Assert.IsFalse(graph.Graph.Node.Any(n => n.Name.StartsWith("mlnet.", StringComparison.Ordinal)), "ML.NET's slot-name node is for ML.NET alone");
    }

    [TestMethod]
    public void WithoutPerImageOutputsAClassesOutputIsRefusedForItHasNoBatchAxis()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            ServingGraph.Build(ModelFile.Open(TestModels.Rgb), new ServingGraphOptions { PerImageOutputs = false, ClassesName = "Classes" }));
        StringAssert.Contains(e.Message, "The classes output 'Classes' has no batch axis");
    }
}
