using AlexNet.Onnx.Model;
using AlexNet.Training.Model;

namespace AlexNet.Training.Tests.Model;

[TestClass]
public sealed class InitialisationTests
{
    private static (double Mean, double Std) Stats(TorchSharp.torch.Tensor t)
    {
        var v = t.data<float>().ToArray();
        double mean = v.Average();
        return (mean, Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / v.Length));
    }

    [TestMethod]
    public void PaperInitDrawsWeightsFromNormalZeroPointZeroOneAndSetsBiasesOneWhereSection5Says()
    {
        using var model = new AlexNetModel(AlexNetArchitecture.Paper(), InitScheme.Paper);
        var t = model.Towers[1];
        var (mean, std) = Stats(t.Convs[2].weight!);
        Assert.AreEqual(0, mean, 2e-4);
        Assert.AreEqual(0.01, std, 2e-4);
        var (_, fcStd) = Stats(t.FullyConnected[0].weight!);
        Assert.AreEqual(0.01, fcStd, 1e-4);
        foreach (var (layer, bias) in new[] { ("conv1", 0f), ("conv2", 1f), ("conv3", 0f), ("conv4", 1f), ("conv5", 1f) })
        {
            var b = t.Convs[int.Parse(layer[^1..]) - 1].bias!.data<float>().ToArray();
            Assert.IsTrue(b.All(v => v == bias), $"{layer} biases should all be {bias}");
        }
        Assert.IsTrue(t.FullyConnected[0].bias!.data<float>().ToArray().All(v => v == 1f), "fc6 biases are 1");
        Assert.IsTrue(t.FullyConnected[1].bias!.data<float>().ToArray().All(v => v == 1f), "fc7 biases are 1");
        Assert.IsTrue(model.Fc8.bias!.data<float>().ToArray().All(v => v == 0f), "fc8 biases are 0");
    }

    [TestMethod]
    public void KaimingInitScalesConvWeightsBySquareRootOfTwoOverFanIn()
    {
        using var model = new AlexNetModel(AlexNetArchitecture.Paper(), InitScheme.Kaiming);
        var conv3 = model.Towers[0].Convs[2].weight!;   // fan-in 256 × 3 × 3
        var (mean, std) = Stats(conv3);
        Assert.AreEqual(0, mean, 1e-3);
        Assert.AreEqual(Math.Sqrt(2.0 / (256 * 9)), std, 0.02 * Math.Sqrt(2.0 / (256 * 9)));
        Assert.IsTrue(model.Towers[0].Convs[1].bias!.data<float>().ToArray().All(v => v == 0f));
    }
}
