using AlexNet.Onnx.Model;
using AlexNet.Training.Model;
using static TorchSharp.torch;

namespace AlexNet.Training.Tests.Model;

[TestClass]
public sealed class PlacementTests
{
    [TestMethod]
    public void SplitAndOneDevicePlacementGiveTheSameOutputsAndGradients()
    {
        random.manual_seed(7);
        using var model = new AlexNetModel(AlexNetArchitecture.Small());
        model.eval(); // dropout draws differ between paths; everything else must match
        using var x = randn(4, 1, 28, 28) * 60;
        using var target = tensor(new long[] { 1, 3, 5, 7 });

        (float[] Out, Dictionary<string, float[]> Grads) Run(bool split)
        {
            if (split) model.PlaceTowers([CPU, CPU]); else model.PlaceOnOneDevice(CPU);
            Assert.AreEqual(split, model.TowersApart);
            model.zero_grad();
            using var logits = model.forward(x);
            using var loss = nn.functional.cross_entropy(logits, target);
            loss.backward();
            return (logits.data<float>().ToArray(),
                model.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!.data<float>().ToArray()));
        }

        var one = Run(split: false);
        var split = Run(split: true);
        Assert.AreEqual(40, one.Out.Length);
        for (int i = 0; i < one.Out.Length; i++) Assert.AreEqual(one.Out[i], split.Out[i], 1e-4, $"logit {i}");
        Assert.AreEqual(one.Grads.Count, split.Grads.Count);
        foreach (var (name, g) in one.Grads) AssertRelativelyClose(g, split.Grads[name], $"{name} gradient");
    }

    // Within 1e-4 of the largest magnitude: the two paths sum in different orders.
    private static void AssertRelativelyClose(float[] expected, float[] actual, string what)
    {
        double scale = expected.Max(Math.Abs) + 1e-12;
        double diff = expected.Zip(actual, (u, v) => Math.Abs(u - v)).Max();
        Assert.IsTrue(diff <= 1e-4 * scale + 1e-7, $"{what}: max diff {diff} (scale {scale})");
    }

    [TestMethod]
    public void WithBatchNormSplitAndOneDevicePlacementTrainAlike()
    {
        // Training mode, so batch norm uses the batch's statistics and updates each tower's running ones.
        var arch = AlexNetArchitecture.Small() with { BatchNorm = true, Dropout = 0 };
        using var x = randn(6, 1, 28, 28);
        using var target = tensor(new long[] { 0, 1, 2, 3, 4, 5 });

        (float[] Out, Dictionary<string, float[]> State) Run(bool split)
        {
            random.manual_seed(7);
            using var model = new AlexNetModel(arch);
            if (split) model.PlaceTowers([CPU, CPU]);
            model.train();
            using var logits = model.forward(x);
            using var loss = nn.functional.cross_entropy(logits, target);
            loss.backward();
            var state = model.NamedState().ToDictionary(s => s.Name, s => s.Tensor.data<float>().ToArray());
            foreach (var (name, p) in model.named_parameters()) state[name + ".grad"] = p.grad!.data<float>().ToArray();
            return (logits.data<float>().ToArray(), state);
        }

        var one = Run(split: false);
        var split = Run(split: true);
        for (int i = 0; i < one.Out.Length; i++) Assert.AreEqual(one.Out[i], split.Out[i], 1e-4, $"logit {i}");
        Assert.IsTrue(one.State.ContainsKey("towers.1.bn5.running_var"), "each tower's running statistics are part of the state");
        Assert.AreNotEqual(0f, one.State["towers.0.bn1.running_mean"].Select(Math.Abs).Max(), "one training step moves the running mean");
        foreach (var (name, v) in one.State) AssertRelativelyClose(v, split.State[name], name);
    }
}
