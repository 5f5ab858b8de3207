using AlexNet.Training.Data;
using AlexNet.Training.Training;

namespace AlexNet.Training.Tests.FineTuning;

/// <summary>Frozen layers and the head's own learning rate, as a training run applies them.</summary>
[TestClass]
public sealed class FineTuningTrainerTests
{
    private static TrainOptions Steps(string name, long steps, FineTuningOptions fineTuning) => new()
    {
        Data = new() { Path = RepoPaths.FashionMnist, TrainLimit = 256, ValLimit = 64 },
        Optimisation = new() { BatchSize = 32, Momentum = 0, WeightDecay = 0 },
        Schedule = new() { Epochs = 1 },
        FineTuning = fineTuning,
        Runtime = new() { RunDir = RepoPaths.NewTempFolder(name), TenCropAtEnd = false, Export = false, Workers = 2, MaxSteps = steps },
        Seed = 5,
    };

    private static Dictionary<string, float[]> Weights(Trainer t) =>
        t.Model.NamedState().ToDictionary(p => p.Name, p => p.Tensor.data<float>().ToArray());

    private static (Dictionary<string, float[]> Before, Dictionary<string, float[]> After) Train(TrainOptions o)
    {
        using var trainer = new Trainer(o, TrainingData.Open(o.Data.Path, 32, trainLimit: o.Data.TrainLimit, evalLimit: o.Data.ValLimit));
        var before = Weights(trainer);
        trainer.Run();
        return (before, Weights(trainer));
    }

    [TestMethod]
    public void FrozenParametersAreBitIdenticalAfterTrainingStepsWhileTheOthersMove()
    {
        var (before, after) = Train(Steps("freeze", 3, new() { Freeze = ["features"] }) with
        {
            Optimisation = new() { BatchSize = 32 }, // momentum and weight decay on: frozen layers must not decay either
        });
        var convs = before.Keys.Where(k => k.Contains(".conv")).ToArray();
        Assert.AreEqual(20, convs.Length, "2 towers × 5 convs × weight and bias");
        foreach (var name in convs) CollectionAssert.AreEqual(before[name], after[name], name);
        foreach (var name in before.Keys.Except(convs))
            Assert.IsTrue(before[name].Zip(after[name]).Any(p => p.First != p.Second), $"{name} did not move");
    }

    [TestMethod]
    public void TheHeadLearningRateScalesOnlyTheHeadsFirstUpdate()
    {
        // One plain SGD step (no momentum, no decay) from the same weights and batch: Δw = −ε·∂L/∂w, so a head rate of
        // 10 × ε moves fc8 ten times as far and leaves every other layer's step as it was.
        var (start, plain) = Train(Steps("head-plain", 1, new()));
        var (_, boosted) = Train(Steps("head-boosted", 1, new() { HeadLearningRate = 0.1 }));
        foreach (var name in start.Keys)
        {
            var d1 = start[name].Zip(plain[name], (a, b) => (double)b - a).ToArray();
            var d2 = start[name].Zip(boosted[name], (a, b) => (double)b - a).ToArray();
            double scale = d1.Select(Math.Abs).Max();
            Assert.IsGreaterThan(0.0, scale, $"{name} did not move");
            double factor = name.StartsWith("fc8.") ? 10 : 1;
            double worst = d1.Zip(d2, (a, b) => Math.Abs(b - factor * a)).Max() / (factor * scale);
            Assert.IsLessThan(1e-3, worst, $"{name}: Δ with the head rate differs from {factor} × Δ by {worst:g3} of its largest step");
        }
    }

    [TestMethod]
    public void FreezingEveryLayerIsRefusedBeforeTraining()
    {
        var o = Steps("freeze-all", 1, new() { Freeze = ["features", "classifier"] });
        var e = Assert.ThrowsExactly<ArgumentException>(() => new Trainer(o, TrainingData.Open(o.Data.Path, 32, trainLimit: 64, evalLimit: 64)));
        StringAssert.Contains(e.Message, "leaves no layer to train");
    }
}
