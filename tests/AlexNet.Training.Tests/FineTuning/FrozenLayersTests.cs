using AlexNet.Onnx.Model;
using AlexNet.Training.FineTuning;

namespace AlexNet.Training.Tests.FineTuning;

[TestClass]
public sealed class FrozenLayersTests
{
    private static readonly AlexNetArchitecture Small = AlexNetArchitecture.Small();

    [TestMethod]
    [DataRow("features", "conv1,conv2,conv3,conv4,conv5")]
    [DataRow("classifier", "fc6,fc7,fc8")]
    [DataRow("conv1-conv3", "conv1,conv2,conv3")]
    [DataRow("conv4-fc6", "conv4,conv5,fc6")]
    [DataRow("fc6,conv2", "conv2,fc6")]
    [DataRow("CONV1", "conv1")]
    public void FreezeListsNameLayersRangesAndTorchvisionsGroups(string spec, string layers) =>
        CollectionAssert.AreEqual(layers.Split(','), FrozenLayers.Resolve([spec], Small).ToArray());

    [TestMethod]
    public void AnUnknownLayerIsRefusedWithTheNamesThatExist()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => FrozenLayers.Resolve(["conv1-conv6"], Small));
        StringAssert.Contains(e.Message, "'conv6' in 'conv1-conv6' is not a layer; use conv1, conv2, conv3, conv4, conv5, fc6, fc7, fc8");
    }

    [TestMethod]
    public void ABackwardRangeIsRefusedWithTheRangeTheOtherWayRound()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => FrozenLayers.Resolve(["conv5-conv1"], Small));
        StringAssert.Contains(e.Message, "write it from the input side, conv1-conv5");
    }

    [TestMethod]
    [DataRow("towers.0.conv1.weight", true)]
    [DataRow("towers.1.conv2.bias", true)]
    [DataRow("towers.0.bn2.weight", true)]
    [DataRow("towers.0.conv3.weight", false)]
    [DataRow("fc8.weight", false)]
    public void ParametersBelongToTheirLayerAndBatchNormToItsConv(string parameter, bool frozen) =>
        Assert.AreEqual(frozen, FrozenLayers.IsFrozen(parameter, ["conv1", "conv2"]));
}
