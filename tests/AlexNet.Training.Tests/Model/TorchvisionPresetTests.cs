using AlexNet.Onnx.Model;
using AlexNet.Training.Model;
using static TorchSharp.torch;

namespace AlexNet.Training.Tests.Model;

/// <summary>The torchvision preset is torchvision's AlexNet: its sizes, parameter count and the order of its layers.</summary>
[TestClass]
public sealed class TorchvisionPresetTests
{
    [TestMethod]
    public void TorchvisionPresetHasTorchvisionsSizesAndParameterCount()
    {
        using var model = new AlexNetModel(AlexNetArchitecture.Torchvision(1000));
        model.eval();
        using var _ = no_grad();
        using var x = randn(1, 3, 224, 224);
        var stages = model.Stages(x).Select(s => s.Output.shape).ToArray();
        CollectionAssert.AreEqual(new long[] { 64, 192, 384, 256, 256, 4096, 4096 }, stages.Select(s => s[1]).ToArray());
        CollectionAssert.AreEqual(new long[] { 27, 13, 13, 13, 6 }, stages.Take(5).Select(s => s[2]).ToArray());
        // sum(p.numel() for p in torchvision.models.alexnet().parameters())
        Assert.AreEqual(61_100_840L, model.ParameterCount);
        Assert.AreEqual(9216, model.Architecture.Fc6Inputs);
    }

    [TestMethod]
    public void AveragePoolKeepsFc6AtSixBySixForLargerCrops()
    {
        // 256-px crops leave conv5 with 7×7 pooled maps; torchvision's adaptive pool brings them to 6×6, so fc6 keeps 9216 inputs.
        var arch = AlexNetArchitecture.Torchvision(10) with { InputSize = 256, ResizeSize = 288 };
        using var model = new AlexNetModel(arch);
        model.eval();
        using var _ = no_grad();
        using var x = randn(2, 3, 256, 256);
        Assert.AreEqual(7, arch.StageSizes()[^1]);
        CollectionAssert.AreEqual(new long[] { 2, 10 }, model.forward(x).shape);
    }

    [TestMethod]
    [DataRow(DropoutPlacement.AfterFc6AndFc7, DisplayName = "paper: on fc6's outputs")]
    [DataRow(DropoutPlacement.BeforeFc6AndFc7, DisplayName = "torchvision: on fc6's inputs")]
    public void DropoutActsWhereThePlacementSays(DropoutPlacement placement)
    {
        // With p = 1 every dropped value is 0: dropping fc6's inputs leaves fc6 = relu(bias); dropping its outputs leaves 0.
        var arch = AlexNetArchitecture.Small(numClasses: 10, inputChannels: 1).AsOneTower() with { Dropout = 1, DropoutPlacement = placement };
        using var model = new AlexNetModel(arch);
        using (no_grad()) model.Towers[0].FullyConnected[0].bias!.copy_(linspace(-1, 1, arch.FullyConnectedPerTower[0]));
        model.train();
        using var _ = no_grad();
        using var x = randn(3, 1, 28, 28);
        var fc6 = model.Stages(x).Single(s => s.Stage == "fc6").Output;
        var expected = placement == DropoutPlacement.BeforeFc6AndFc7
            ? nn.functional.relu(model.Towers[0].FullyConnected[0].bias!).expand(3, -1)
            : zeros(3, arch.FullyConnectedPerTower[0]);
        Assert.AreEqual(0.0, (fc6 - expected).abs().max().item<float>(), 1e-6);
    }

    [TestMethod]
    public void TorchvisionPresetRefusesGrayImagesByName()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => AlexNetArchitecture.Torchvision(10, inputChannels: 1));
        StringAssert.Contains(e.Message, "torchvision preset reads RGB images (3 channels), not 1");
    }
}
