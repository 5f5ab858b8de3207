using AlexNet.Training.Data;
using AlexNet.Training.Training;
using TorchSharp;

namespace AlexNet.Training.Tests.Training;

[TestClass]
public sealed class TrainerTests
{
    private static TrainOptions Quick(string runDir) => new()
    {
        Data = new() { Path = RepoPaths.FashionMnist, TrainLimit = 4096, ValLimit = 500 },
        Optimisation = new() { BatchSize = 32 },
        Schedule = new() { Epochs = 1 },
        Runtime = new() { RunDir = runDir, TenCropAtEnd = false, Export = false, Workers = 2 },
        Seed = 3,
    };

    // Two epochs of 320 images (10 steps each) stopping at step maxSteps.
    private static TrainOptions TwoShortEpochs(string runDir, long? maxSteps)
    {
        var o = Quick(runDir);
        return o with
        {
            Data = o.Data with { TrainLimit = 320 },
            Schedule = o.Schedule with { Epochs = 2 },
            Runtime = o.Runtime with { MaxSteps = maxSteps },
        };
    }

    private static TrainOptions Resuming(TrainOptions o, long? maxSteps) => o with { Runtime = o.Runtime with { Resume = true, MaxSteps = maxSteps } };

    private static TrainingData Data(TrainOptions o) =>
        TrainingData.Open(o.Data.Path, 32, trainLimit: o.Data.TrainLimit, evalLimit: o.Data.ValLimit);

    [TestMethod]
    public void ShortRunOnAFashionMnistSubsetBeatsChanceByAWideMargin()
    {
        var o = Quick(RepoPaths.NewTempFolder("beats-chance"));
        using var trainer = new Trainer(o, Data(o));
        var result = trainer.Run();
        Assert.IsFalse(result.Interrupted);
        Assert.AreEqual(128, result.State.Step, "4096 images / batch 32");
        // Chance is 90% error on ten classes; 128 steps of SGD already get under half that.
        Assert.IsTrue(result.Test!.CentreCrop.Top1Error < 0.45, $"test error {result.Test.CentreCrop.Top1Error:P1}");
        Assert.AreEqual(500, result.Test.CentreCrop.Count);
        StringAssert.StartsWith(File.ReadAllLines(Path.Combine(o.Runtime.RunDir, "metrics.csv"))[0], "epoch,learning_rate");
        Assert.IsTrue(new FileInfo(Path.Combine(o.Runtime.RunDir, "training-curve.png")).Length > 1000);
    }

    private static Dictionary<string, float[]> Weights(Trainer t) =>
        t.Model.NamedState().ToDictionary(p => p.Name, p => p.Tensor.data<float>().ToArray());

    [TestMethod]
    [DataRow(false, DisplayName = "the paper's net")]
    [DataRow(true, DisplayName = "with batch norm, whose running statistics the checkpoint carries")]
    public void ResumingHalfWayRepeatsTheUninterruptedRunExactly(bool batchNorm)
    {
        // LogEvery 4: the interruption at step 6 falls inside a logging interval, which the checkpoint carries over.
        var straight = TwoShortEpochs(RepoPaths.NewTempFolder("straight"), maxSteps: 12);
        straight = straight with
        {
            Architecture = straight.Architecture with { BatchNorm = batchNorm },
            Runtime = straight.Runtime with { LogEvery = 4 },
        };
        Dictionary<string, float[]> expected;
        List<StepMetrics> expectedSteps;
        using (var t = new Trainer(straight, Data(straight))) { expectedSteps = t.Run().State.Steps; expected = Weights(t); }

        var halves = straight with { Runtime = straight.Runtime with { RunDir = RepoPaths.NewTempFolder("halves"), MaxSteps = 6 } };
        using (var t = new Trainer(halves, Data(halves)))
        {
            var first = t.Run();
            Assert.IsTrue(first.Interrupted);
            Assert.AreEqual(6, first.State.Step);
        }
        using (var t = new Trainer(Resuming(halves, maxSteps: 12), Data(halves)))
        {
            Assert.AreEqual(6, t.State.Step);
            Assert.AreEqual(6, t.State.BatchInEpoch, "resumes inside the epoch (10 batches of 32)");
            var second = t.Run();
            Assert.AreEqual(12, second.State.Step);
            var got = Weights(t);
            CollectionAssert.AreEqual(new long[] { 4, 8, 12 }, second.State.Steps.Select(r => r.Step).ToArray());
            // Exactly, as SigkillTests demands of the CLI (max |Δ| = 0.0, docs/RELIABILITY.md): the Trainer says a resumed run
            // repeats the uninterrupted one exactly, so a tolerance would only hide a difference.
            for (int i = 0; i < 3; i++)
                Assert.AreEqual(expectedSteps[i].TrainLoss, second.State.Steps[i].TrainLoss, $"logged loss at step {expectedSteps[i].Step}");
            Assert.AreEqual(batchNorm ? 2 * 5 * 2 : 0, got.Keys.Count(k => k.Contains(".running_")), "two running statistics per normalised layer and tower");
            CollectionAssert.AreEquivalent(expected.Keys.ToArray(), got.Keys.ToArray());
            foreach (var (name, w) in expected)
                CollectionAssert.AreEqual(w, got[name], name);
        }
    }

    [TestMethod]
    public void AOneEpochRunRecordsTheTrainingLossEveryLogEverySteps()
    {
        // QuickStart's default is one epoch: its curve must be a curve. 320 images, batch 32: 10 steps, a row every 2.
        var o = Quick(RepoPaths.NewTempFolder("log-every"));
        o = o with { Data = o.Data with { TrainLimit = 320, ValLimit = 64 }, Runtime = o.Runtime with { LogEvery = 2 } };
        using var trainer = new Trainer(o, Data(o));

        var state = trainer.Run().State;

        CollectionAssert.AreEqual(new long[] { 2, 4, 6, 8, 10 }, state.Steps.Select(r => r.Step).ToArray());
        CollectionAssert.AreEqual(new[] { 0.2, 0.4, 0.6, 0.8, 1.0 }, state.Steps.Select(r => Math.Round(r.Epoch, 12)).ToArray());
        // Equal batches: the epoch's mean loss is the mean of its intervals' mean losses.
        Assert.AreEqual(state.History[0].TrainLoss, state.Steps.Average(r => r.TrainLoss), 1e-9);
        Assert.AreEqual(state.History[0].TrainError, state.Steps.Average(r => r.TrainError), 1e-9);
        var csv = File.ReadAllLines(Path.Combine(o.Runtime.RunDir, "steps.csv"));
        Assert.AreEqual(StepMetrics.CsvHeader, csv[0]);
        Assert.HasCount(6, csv);
        StringAssert.StartsWith(csv[5], "10,1,");
    }

    // Hands out NaN pixels: the loss goes non-finite on the first step.
    private sealed class Poisoned(IImageDataset inner) : IImageDataset
    {
        public int Count => inner.Count;
        public int Channels => inner.Channels;
        public int Size => inner.Size;
        public IReadOnlyList<string> ClassNames => inner.ClassNames;
        public int GetLabel(int index) => inner.GetLabel(index);
        public void ReadImage(int index, Span<float> dest) => dest.Fill(float.NaN);
    }

    [TestMethod]
    public void NonFiniteLossStopsTheRunAndKeepsTheLastGoodCheckpoint()
    {
        var o = Quick(RepoPaths.NewTempFolder("nan"));
        o = o with { Runtime = o.Runtime with { MaxSteps = 2 } };
        var data = Data(o);
        using (var t = new Trainer(o, data)) t.Run();
        var ckpt = Path.Combine(o.Runtime.RunDir, Trainer.CheckpointFile);
        var before = File.ReadAllBytes(ckpt);

        using var resumed = new Trainer(Resuming(o, maxSteps: 10), data with { Train = new Poisoned(data.Train) });
        var e = Assert.ThrowsExactly<NonFiniteLossException>(() => resumed.Run());
        StringAssert.Contains(e.Message, "step 3");
        CollectionAssert.AreEqual(before, File.ReadAllBytes(ckpt), "the good checkpoint is untouched");
    }

    [TestMethod]
    public void ResumingWithALowerLearningRateTrainsAtItAndCountsADrop()
    {
        var o = TwoShortEpochs(RepoPaths.NewTempFolder("resume-lr"), maxSteps: 10);
        var data = Data(o);
        using (var t = new Trainer(o, data)) t.Run(); // epoch 1 (10 steps of 32) at 0.01
        using var resumed = new Trainer(o with { Runtime = o.Runtime with { Resume = true, MaxSteps = null, ResumeLearningRate = 0.001 } }, data);
        Assert.AreEqual(0.001, resumed.State.LearningRate);
        Assert.AreEqual(1, resumed.State.LearningRateDrops);
        Assert.AreEqual(0, resumed.State.EpochsSinceImprovement);

        resumed.Run();

        var epoch2 = File.ReadAllLines(Path.Combine(o.Runtime.RunDir, "metrics.csv"))[2].Split(',');
        Assert.AreEqual("2", epoch2[0]);
        Assert.AreEqual(0.001, double.Parse(epoch2[1], System.Globalization.CultureInfo.InvariantCulture));
    }

    [TestMethod]
    public void LearningRateStepsDivideTheRateAfterTheListedEpochsWhateverValidationDoes()
    {
        var o = Quick(RepoPaths.NewTempFolder("lr-steps"));
        o = o with { Data = o.Data with { TrainLimit = 96 }, Schedule = new() { Epochs = 3, LearningRate = new LearningRateSchedule.Steps([1, 2]) } };
        using var t = new Trainer(o, Data(o));
        var result = t.Run();

        var rates = File.ReadAllLines(Path.Combine(o.Runtime.RunDir, "metrics.csv")).Skip(1)
            .Select(l => double.Parse(l.Split(',')[1], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.AreEqual(3, rates.Length);
        Assert.AreEqual(0.01, rates[0], 1e-12);
        Assert.AreEqual(0.001, rates[1], 1e-12);
        Assert.AreEqual(0.0001, rates[2], 1e-12);
        Assert.AreEqual(0.0001, result.State.LearningRate, 1e-15, "epoch 3 is not listed: the rate stays");
        var stored = Checkpoint.ReadState<TrainingState>(Path.Combine(o.Runtime.RunDir, Trainer.CheckpointFile));
        Assert.AreEqual(new LearningRateSchedule.Steps([1, 2]), stored.Options.Schedule.LearningRate, "kept for --resume");
    }

    [TestMethod]
    public void CosineScheduleSetsEachEpochsRateAlongAHalfCosine()
    {
        var o = Quick(RepoPaths.NewTempFolder("cosine"));
        o = o with { Data = o.Data with { TrainLimit = 96 }, Schedule = new() { Epochs = 3, LearningRate = new LearningRateSchedule.Cosine(3) } };
        using var t = new Trainer(o, Data(o));
        t.Run();

        var rates = File.ReadAllLines(Path.Combine(o.Runtime.RunDir, "metrics.csv")).Skip(1)
            .Select(l => double.Parse(l.Split(',')[1], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.AreEqual(3, rates.Length);
        Assert.AreEqual(0.01, rates[0], 1e-12, "ε·(1 + cos 0)/2");
        Assert.AreEqual(0.0075, rates[1], 1e-12, "ε·(1 + cos π/3)/2");
        Assert.AreEqual(0.0025, rates[2], 1e-12, "ε·(1 + cos 2π/3)/2");
        var stored = Checkpoint.ReadState<TrainingState>(Path.Combine(o.Runtime.RunDir, Trainer.CheckpointFile));
        Assert.AreEqual(new LearningRateSchedule.Cosine(3), stored.Options.Schedule.LearningRate, "kept for --resume");
    }

    [TestMethod]
    public void CosineRateFallsFromTheInitialRateToZeroAtTheLastEpoch()
    {
        var o = new TrainOptions { Optimisation = new() { LearningRate = 0.02 }, Schedule = new() { LearningRate = new LearningRateSchedule.Cosine(40) } };
        Assert.AreEqual(0.02, o.CosineLearningRate(0), 1e-15);
        Assert.AreEqual(0.01, o.CosineLearningRate(20), 1e-15, "half way: half the rate");
        Assert.AreEqual(3.0827e-5, o.CosineLearningRate(39), 1e-9, "the last epoch trains at 0.15 % of ε");
        Assert.AreEqual(0.0, o.CosineLearningRate(40));
    }

    [TestMethod]
    public void LabelSmoothingMovesTheTargetTowardsTheUniformDistribution()
    {
        // Softmax of [0, ln 3] is [0.25, 0.75]; the true class is 1.
        using var logits = torch.tensor(new float[] { 0f, MathF.Log(3f) }, [1, 2]);
        using var label = torch.tensor(new long[] { 1 });
        using var plain = Trainer.Loss(logits, label, 0);
        using var smoothed = Trainer.Loss(logits, label, 0.2);
        Assert.AreEqual(-Math.Log(0.75), plain.item<float>(), 1e-6, "the paper's loss: −ln p(true)");
        // s = 0.2 over 2 classes: target [0.1, 0.9].
        Assert.AreEqual(-0.1 * Math.Log(0.25) - 0.9 * Math.Log(0.75), smoothed.item<float>(), 1e-6);
    }

    [TestMethod]
    public void LiveTensorCountStaysFlatOverManySteps()
    {
        var o = Quick(RepoPaths.NewTempFolder("flat"));
        o = o with { Data = o.Data with { TrainLimit = 640 }, Optimisation = o.Optimisation with { BatchSize = 16 }, Runtime = o.Runtime with { MaxSteps = 5 } };
        var data = Data(o);
        using var t = new Trainer(o, data);
        t.Run();
        long after5 = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        using var t2 = new Trainer(Resuming(o, maxSteps: 35), data);
        long base2 = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        t2.Run();
        long after35 = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        Assert.IsTrue(after35 - base2 <= 0, $"live tensors grew by {after35 - base2} over 30 steps (5-step run ended at {after5}); {DisposeScopeManager.Statistics}");
    }
}
