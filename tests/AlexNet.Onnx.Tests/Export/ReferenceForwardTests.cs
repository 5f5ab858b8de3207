using AlexNet.Onnx.Model;
using AlexNet.Onnx.Runtime;
using AlexNet.Onnx.Tests.Support;

namespace AlexNet.Onnx.Tests.Export;

/// <summary>ONNX Runtime's logits for a written file equal a PyTorch forward pass of the same weights.</summary>
[TestClass]
public sealed class ReferenceForwardTests
{
    private static void AssertMatchesPyTorch(AlexNetArchitecture architecture, int batch)
    {
        SystemPython.Require("torch", "python3-torch");
        SystemPython.Require("onnx", "python3-onnx");
        using var folder = new TempFolder();
        var path = TestModels.Write(folder, architecture, seed: 7);
        var model = ModelFile.Open(path);
        var crops = TestModels.RandomCrops(batch, model.CropLength, seed: 3);
        RawFloats.Write(folder.File("input.f32"), crops);

        SystemPython.RunScript("reference_forward.py", path, folder.File("input.f32"), folder.File("logits.f32"));
        var expected = RawFloats.Read(folder.File("logits.f32"));
        using var scorer = new BatchScorer(model);
        var actual = scorer.Score(crops);

        Assert.AreEqual(batch * architecture.NumClasses, expected.Length);
        float spread = expected.Max() - expected.Min();
        Assert.IsGreaterThan(0.1f, spread, "logits are nearly constant, the comparison would prove little");
        float diff = RawFloats.MaxAbsDiff(expected, actual.Logits);
        Console.WriteLine($"max |ORT - PyTorch| = {diff:E2}, logit range {expected.Min():F3} .. {expected.Max():F3}");
        Assert.IsLessThanOrEqualTo(1e-4f, diff, $"max |ORT - PyTorch| = {diff}");
    }

    [TestMethod]
    public void SmallTwoTowerMatchesPyTorch() => AssertMatchesPyTorch(AlexNetArchitecture.Small(), batch: 3);

    [TestMethod]
    public void SmallOneTowerMatchesPyTorch() => AssertMatchesPyTorch(AlexNetArchitecture.Small().AsOneTower(), batch: 3);

    [TestMethod]
    public void TanhWithoutLrnAndNonOverlappingPoolMatchesPyTorch() =>
        AssertMatchesPyTorch(AlexNetArchitecture.Small() with { Activation = Activation.Tanh, Lrn = null, PoolKernel = 2, PoolStride = 2 }, batch: 2);

    // With the paper's α the normalisation changes O(1) activations by ~1e-4, below what the comparison sees;
    // a large α makes a cross-tower or mis-scaled LRN show up as a difference of order one.
    [TestMethod]
    public void StrongLrnInsideEachTowerMatchesPyTorch() =>
        AssertMatchesPyTorch(AlexNetArchitecture.Small() with { Lrn = new LrnSettings(Alpha: 0.2) }, batch: 2);

    // β other than the paper's 0.75 takes the Pow path; an even n has an asymmetric window (n/2 before, (n−1)/2 after).
    [TestMethod]
    public void LrnWithAnotherBetaAndAnEvenWindowMatchesPyTorch() =>
        AssertMatchesPyTorch(AlexNetArchitecture.Small() with { Lrn = new LrnSettings(Size: 4, Alpha: 0.2, Beta: 0.6) }, batch: 2);

    [TestMethod]
    public void PaperTwoTowerMatchesPyTorch() => AssertMatchesPyTorch(AlexNetArchitecture.Paper(), batch: 1);
}
