using AlexNet.Onnx.Model;
using AlexNet.Training.Model;
using AlexNet.Training.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace AlexNet.Training.Tests.Training;

/// <summary>Training the fully connected layers on the frozen trunk's stored output (ML.NET's bottleneck cache).</summary>
[TestClass]
public sealed class BottleneckCacheTests
{
    // Two epochs of 64 images in batches of 32 (2 steps each, the last epoch's order a new shuffle), every conv frozen,
    // centre crops, dropout 0.5 on fc6 and fc7, momentum and weight decay on.
    private static TrainOptions FrozenTrunk(string name, bool cache, StringWriter log) => new()
    {
        Data = new() { Path = RepoPaths.FashionMnist, TrainLimit = 64, ValLimit = 32 },
        Optimisation = new() { BatchSize = 32 },
        Schedule = new() { Epochs = 2 },
        // Random erasing applies to random crops only, so with centre crops it changes nothing and the cache may be used.
        Augmentation = new() { RandomCrops = false, RandomErasing = 0.5 },
        FineTuning = new() { Freeze = ["features"] },
        Runtime = new() { RunDir = RepoPaths.NewTempFolder(name), TenCropAtEnd = false, Export = false, Workers = 2, LogEvery = 1, BottleneckCache = cache, Log = log },
        Seed = 7,
    };

    private static (TrainingState State, Dictionary<string, float[]> Weights) Train(TrainOptions o) => TrainFrom(o).After;

    private static (Dictionary<string, float[]> Before, (TrainingState State, Dictionary<string, float[]> Weights) After) TrainFrom(TrainOptions o)
    {
        using var trainer = new Trainer(o, TrainingData.Open(o.Data.Path, 32, trainLimit: o.Data.TrainLimit, evalLimit: o.Data.ValLimit));
        Dictionary<string, float[]> Weights() => trainer.Model.NamedState().ToDictionary(p => p.Name, p => p.Tensor.data<float>().ToArray());
        var before = Weights();
        var state = trainer.Run().State;
        return (before, (state, Weights()));
    }

    // Largest |a − b| over every weight, relative to the largest |a| of that tensor.
    private static double WorstRelativeDifference(Dictionary<string, float[]> a, Dictionary<string, float[]> b)
    {
        CollectionAssert.AreEquivalent(a.Keys.ToArray(), b.Keys.ToArray());
        return a.Max(p => p.Value.Zip(b[p.Key], (x, y) => Math.Abs((double)x - y)).Max() / Math.Max(p.Value.Max(v => Math.Abs((double)v)), 1e-30));
    }

    [TestMethod]
    public void ACachedRunEndsWithTheUncachedRunsWeightsAndLossCurve()
    {
        var cachedLog = new StringWriter();
        var (start, (cachedState, cached)) = TrainFrom(FrozenTrunk("cached", cache: true, cachedLog));
        var (plainState, plain) = Train(FrozenTrunk("uncached", cache: false, new StringWriter()));

        StringAssert.Contains(cachedLog.ToString(), "bottleneck cache: conv1-conv5 are frozen and training crops are centre crops");
        StringAssert.Contains(cachedLog.ToString(), "64 training and 32 validation images × 512 floats = 0.2 MiB in memory");
        Assert.AreEqual(4, cachedState.Step);
        foreach (var layer in new[] { "towers.0.fc6.weight", "towers.1.fc7.weight", "fc8.weight" })
            Assert.IsTrue(start[layer].Zip(cached[layer]).Any(p => p.First != p.Second), $"{layer} trained");
        double worst = WorstRelativeDifference(plain, cached);
        Assert.IsLessThan(1e-5, worst, $"weights differ by {worst:g3} of their largest magnitude");
        Assert.HasCount(4, cachedState.Steps);
        foreach (var (mine, theirs) in cachedState.Steps.Zip(plainState.Steps))
        {
            Assert.AreEqual(theirs.TrainLoss, mine.TrainLoss, 1e-5, $"loss at step {theirs.Step}");
            Assert.AreEqual(theirs.TrainError, mine.TrainError, $"training error at step {theirs.Step}");
        }
        foreach (var (mine, theirs) in cachedState.History.Zip(plainState.History))
            Assert.AreEqual(theirs.ValError, mine.ValError, $"validation error after epoch {theirs.Epoch}");
    }

    [TestMethod]
    public void OverTheMemoryLimitTheCacheGoesToFilesInTheRunFolderAndGivesTheSameRun()
    {
        var memoryLog = new StringWriter();
        var (_, inMemory) = Train(FrozenTrunk("in-memory", cache: true, memoryLog));
        var diskLog = new StringWriter();
        var o = FrozenTrunk("on-disk", cache: true, diskLog);
        var trainFile = Path.Combine(o.Runtime.RunDir, "bottleneck-train.f32");
        long? sizeDuringTraining = null;
        o = o with { Runtime = o.Runtime with { BottleneckCacheMemoryLimit = 1, BeforeStep = step => sizeDuringTraining ??= new FileInfo(trainFile).Length } };

        var (_, onDisk) = Train(o);

        StringAssert.Contains(diskLog.ToString(), $"in {trainFile} and {Path.Combine(o.Runtime.RunDir, "bottleneck-validation.f32")}");
        Assert.AreEqual(64L * 512 * sizeof(float), sizeDuringTraining, "64 images × conv5's 2 × 64 maps of 2×2");
        Assert.IsFalse(File.Exists(trainFile), "derived data: deleted when the run returns");
        Assert.IsEmpty(Directory.GetFiles(o.Runtime.RunDir, "bottleneck-*"));
        // The same floats read back through the mapping: the same run bit for bit.
        foreach (var (name, w) in inMemory) CollectionAssert.AreEqual(w, onDisk[name], name);
    }

    [TestMethod]
    public void WithRandomCropsTheFrozenTrunkRunsEveryStepAndTheLogSaysWhy()
    {
        var log = new StringWriter();
        var o = FrozenTrunk("augmented", cache: true, log);
        o = o with { Augmentation = new() { RandomCrops = true }, Runtime = o.Runtime with { MaxSteps = 2 } };
        var off = o with { Runtime = o.Runtime with { RunDir = RepoPaths.NewTempFolder("augmented-off"), BottleneckCache = false, Log = new StringWriter() } };

        var (_, allowed) = Train(o);
        var (_, refused) = Train(off);

        StringAssert.Contains(log.ToString(), "bottleneck cache: not used: conv1-conv5 are frozen, but training crops are random (--augment: random crops and flips, PCA lighting)");
        Assert.DoesNotContain("filled in", log.ToString());
        // Bit for bit the run without the cache: each step read its own random crops through the trunk.
        foreach (var (name, w) in refused) CollectionAssert.AreEqual(w, allowed[name], name);
    }

    [TestMethod]
    public void ACachedRunStoppedHalfWayResumesToTheStraightRunExactly()
    {
        var straight = FrozenTrunk("straight", cache: true, new StringWriter());
        var (straightState, expected) = Train(straight);

        var log = new StringWriter();
        var halves = straight with { Runtime = straight.Runtime with { RunDir = RepoPaths.NewTempFolder("halves"), MaxSteps = 3, Log = log } };
        Assert.AreEqual(3, Train(halves).State.Step, "stopped inside the second epoch");
        var (resumedState, got) = Train(halves with { Runtime = halves.Runtime with { Resume = true, MaxSteps = null } });

        Assert.AreEqual(2, log.ToString().Split('\n').Count(l => l.Contains("filled in")), "each Run fills the cache afresh");
        Assert.AreEqual(4, resumedState.Step);
        CollectionAssert.AreEqual(straightState.Steps.Select(s => s.TrainLoss).ToArray(), resumedState.Steps.Select(s => s.TrainLoss).ToArray());
        foreach (var (name, w) in expected) CollectionAssert.AreEqual(w, got[name], name);
    }

    [TestMethod]
    public void ARunStoppedWhileTheCacheFillsSavesACheckpointAndLeavesNoCacheFile()
    {
        var log = new StringWriter();
        var o = FrozenTrunk("stopped", cache: true, log);
        o = o with { Runtime = o.Runtime with { BottleneckCacheMemoryLimit = 1 } };
        using var trainer = new Trainer(o, TrainingData.Open(o.Data.Path, 32, trainLimit: o.Data.TrainLimit, evalLimit: o.Data.ValLimit));

        var result = trainer.Run(new CancellationToken(canceled: true));

        Assert.IsTrue(result.Interrupted);
        Assert.AreEqual(0, result.State.Step);
        Assert.IsTrue(File.Exists(result.CheckpointPath), "resumable");
        StringAssert.Contains(log.ToString(), "interrupted while filling the bottleneck cache: checkpoint saved at epoch 1, batch 0");
        Assert.IsEmpty(Directory.GetFiles(o.Runtime.RunDir, "bottleneck-*"), "neither a .partial file nor a finished one");
    }

    [TestMethod]
    public void TheCacheIsRefusedWithBatchNormAndNotMentionedWhenConvolutionsTrain()
    {
        var o = FrozenTrunk("decide", cache: true, new StringWriter());
        var withNorm = o with { Architecture = o.Architecture with { BatchNorm = true } };
        var (use, message) = BottleneckStore.Decide(withNorm, withNorm.BuildArchitecture(10, 1));
        Assert.IsFalse(use);
        StringAssert.Contains(message, "their batch norm (--batch-norm) normalises each training batch by its own statistics");

        var partly = o with { FineTuning = new() { Freeze = ["conv1-conv4"] } };
        Assert.AreEqual((false, (string?)null), BottleneckStore.Decide(partly, partly.BuildArchitecture(10, 1)));
        var off = o with { Runtime = o.Runtime with { BottleneckCache = false } };
        Assert.AreEqual((false, "bottleneck cache: off (--no-bottleneck-cache): the frozen conv1-conv5 run at every step"),
            BottleneckStore.Decide(off, off.BuildArchitecture(10, 1)));
        Assert.IsTrue(BottleneckStore.Decide(o, o.BuildArchitecture(10, 1)).Use);
    }

    [TestMethod]
    [DataRow("small", 28, DisplayName = "small: two towers, conv5's pooled maps")]
    [DataRow("torchvision", 256, DisplayName = "torchvision on 256-px crops: one tower, conv5's 7×7 maps average-pooled to 6×6, dropout before fc6")]
    public void TheHeadOnTheTrunksOutputIsTheWholeNetwork(string preset, int crop)
    {
        var a = AlexNetArchitecture.FromPreset(preset, 10, 3) with { InputSize = crop };
        random.manual_seed(11);
        using var model = new AlexNetModel(a);
        model.eval();
        using var _ = no_grad();
        var x = randn(2, 3, a.InputSize, a.InputSize);

        var trunk = model.Trunk(x);
        CollectionAssert.AreEqual(new long[] { 2, a.Fc6Inputs }, trunk.flatten(1).shape);
        CollectionAssert.AreEqual(model.forward(x).data<float>().ToArray(), model.Head(trunk.flatten(1)).data<float>().ToArray());
    }
}
