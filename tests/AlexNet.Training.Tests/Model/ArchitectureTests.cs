using AlexNet.Onnx.Model;
using AlexNet.Training.Model;
using static TorchSharp.torch;

namespace AlexNet.Training.Tests.Model;

[TestClass]
public sealed class ArchitectureTests
{
    [TestMethod]
    public void PaperPresetProducesTheSpatialSizesOfSection3()
    {
        using var model = new AlexNetModel(AlexNetArchitecture.Paper());
        model.eval();
        using var _ = no_grad();
        using var x = randn(1, 3, 227, 227);
        var stages = model.Stages(x).Select(s => (s.Stage, Shape: s.Output.shape)).ToArray();
        CollectionAssert.AreEqual(new[] { "conv1", "conv2", "conv3", "conv4", "conv5", "fc6", "fc7" }, stages.Select(s => s.Stage).ToArray());
        // After pooling where there is pooling: 27, 13 and 6 for conv1, conv2 and conv5.
        CollectionAssert.AreEqual(new long[] { 27, 13, 13, 13, 6 }, stages.Take(5).Select(s => s.Shape[2]).ToArray());
        CollectionAssert.AreEqual(new long[] { 96, 256, 384, 384, 256, 4096, 4096 }, stages.Select(s => s.Shape[1]).ToArray());
        // Figure 2's 55×55 maps of conv1, 48 kernels a tower, before the pooling.
        CollectionAssert.AreEqual(new long[] { 1, 48, 55, 55 }, model.Towers[0].Convs[0].forward(x).shape);
    }

    [TestMethod]
    public void PaperPresetHas60965224ParametersForAThousandClasses()
    {
        using var model = new AlexNetModel(AlexNetArchitecture.Paper(1000));
        Assert.AreEqual(60_965_224L, model.ParameterCount);
    }

    [TestMethod]
    public void ParameterNamesAreTheSameForEveryPlacement()
    {
        using var model = new AlexNetModel(AlexNetArchitecture.Small());
        var names = model.named_parameters().Select(p => p.name).ToArray();
        CollectionAssert.Contains(names, "towers.0.conv1.weight");
        CollectionAssert.Contains(names, "towers.1.fc7.bias");
        CollectionAssert.Contains(names, "fc8.weight");
        model.PlaceTowers([CPU, CPU]);
        CollectionAssert.AreEqual(names, model.named_parameters().Select(p => p.name).ToArray());
    }

    [TestMethod]
    public void SmallPresetHasAbout2Point2MillionParametersAndEndsAt2x2()
    {
        var a = AlexNetArchitecture.Small();
        using var model = new AlexNetModel(a);
        Assert.AreEqual(32, a.ResizeSize);
        CollectionAssert.AreEqual(new[] { 13, 6, 6, 6, 2 }, a.StageSizes().ToArray());
        Assert.IsTrue(model.ParameterCount is > 2_000_000 and < 2_400_000, $"{model.ParameterCount} parameters");
    }

    [TestMethod]
    public void OneTowerAblationHalvesConv1To4AndKeepsConv5AndFullyConnectedSizes()
    {
        var two = AlexNetArchitecture.Paper();
        var one = two.AsOneTower();
        Assert.AreEqual(1, one.Towers);
        CollectionAssert.AreEqual(new[] { 48, 128, 192, 192, 256 }, Enumerable.Range(0, 5).Select(one.ConvOutChannels).ToArray());
        Assert.AreEqual(4096, one.FeatureSize);
        using var model = new AlexNetModel(one);
        model.eval();
        using var _ = no_grad();
        using var y = model.forward(randn(2, 3, 227, 227));
        CollectionAssert.AreEqual(new long[] { 2, 1000 }, y.shape);
    }

    [TestMethod]
    public void WidenedSmallPresetHasOneAndAHalfTimesTheKernelsAndUnitsButTheSameClasses()
    {
        var a = AlexNetArchitecture.Small().Widened(1.5);
        CollectionAssert.AreEqual(new[] { 96, 192, 288, 288, 192 }, Enumerable.Range(0, 5).Select(a.ConvOutChannels).ToArray());
        CollectionAssert.AreEqual(new[] { 768, 768 }, a.FullyConnectedPerTower.ToArray());
        CollectionAssert.AreEqual(new[] { 13, 6, 6, 6, 2 }, a.StageSizes().ToArray(), "the spatial sizes do not change");
        using var model = new AlexNetModel(a);
        model.eval();
        using var _ = no_grad();
        using var y = model.forward(randn(2, 1, 28, 28));
        CollectionAssert.AreEqual(new long[] { 2, 10 }, y.shape);
        var small = AlexNetArchitecture.Small();
        Assert.AreSame(small, small.Widened(1), "1 keeps the preset");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => a.Widened(0));
    }

    [TestMethod]
    public void NonOverlappingPoolingAblationUsesTwoByTwoWindows()
    {
        var a = AlexNetArchitecture.Paper() with { PoolKernel = 2, PoolStride = 2 };
        CollectionAssert.AreEqual(new[] { 27, 13, 13, 13, 6 }, a.StageSizes().ToArray());
        var s = AlexNetArchitecture.Small() with { PoolKernel = 2, PoolStride = 2 };
        CollectionAssert.AreEqual(new[] { 14, 7, 7, 7, 3 }, s.StageSizes().ToArray());
    }
}
