using AlexNet.Onnx.Model;
using AlexNet.Training.Model;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace AlexNet.Training.Tests.Model;

/// <summary>
/// Batch norm's parameters and statistics are per tower. Towers that share a device go through one batch-norm call over
/// their joined parameters and statistics; towers apart (the paper's two GPUs, here the CPU twice) each through their
/// own module. Both give the same training step: outputs, gradients and each tower's updated running statistics.
/// </summary>
[TestClass]
public sealed class BatchNormTowersTests
{
    [TestMethod]
    [DataRow(MemoryFormat.Contiguous)]
    [DataRow(MemoryFormat.ChannelsLast)]
    public void TowersTogetherNormaliseAsAModulePerTowerDoes(MemoryFormat format)
    {
        using var scope = NewDisposeScope();
        var architecture = AlexNetArchitecture.Small(10, 1) with { BatchNorm = true, Dropout = 0 };
        manual_seed(5);
        using var together = new AlexNetModel(architecture) { MemoryFormat = format };
        manual_seed(5);
        using var apart = new AlexNetModel(architecture) { MemoryFormat = format };
        apart.PlaceTowers([CPU, CPU]);
        Assert.IsTrue(apart.TowersApart && !together.TowersApart, "the control: one model runs its towers apart, the other together");
        var x = randn(8, 1, architecture.InputSize, architecture.InputSize) * 2;
        var labels = randint(0, 10, [8]);

        (Tensor Logits, Dictionary<string, Tensor> Gradients, Dictionary<string, Tensor> State) Step(AlexNetModel model)
        {
            model.train();
            var logits = model.forward(x);
            F.cross_entropy(logits, labels).backward();
            return (logits.detach(),
                model.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!.clone()),
                model.NamedState().Where(s => s.Name.Contains("running", StringComparison.Ordinal)).ToDictionary(s => s.Name, s => s.Tensor.clone()));
        }
        var expected = Step(apart);
        var actual = Step(together);

        TensorAssert.Close(expected.Logits, actual.Logits, 1e-5, "logits");
        Assert.HasCount(20, expected.State, "running mean and variance of bn1 … bn5 in each of two towers");
        foreach (var (name, gradient) in expected.Gradients)
        {
            // A convolution's bias before batch norm has no effect on the loss (the norm subtracts the mean): its gradient
            // is zero but for rounding in both, so it is held to that instead of to a ratio of two rounding errors.
            if (name.Contains(".conv", StringComparison.Ordinal) && name.EndsWith(".bias", StringComparison.Ordinal))
                Assert.IsLessThan(1e-6, actual.Gradients[name].abs().max().item<float>(), $"gradient of {name}, zero in exact arithmetic");
            else
                TensorAssert.Close(gradient, actual.Gradients[name], 1e-4, $"gradient of {name}");
        }
        foreach (var (name, statistic) in expected.State)
        {
            TensorAssert.Close(statistic, actual.State[name], 1e-5, name);
            Assert.IsFalse(statistic.allclose(name.EndsWith("mean", StringComparison.Ordinal) ? zeros_like(statistic) : ones_like(statistic)), $"{name} moved in the step");
        }
    }
}
