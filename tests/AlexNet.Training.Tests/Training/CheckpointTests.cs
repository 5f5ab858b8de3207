using AlexNet.Training.Training;

namespace AlexNet.Training.Tests.Training;

[TestClass]
public sealed class CheckpointTests
{
    private sealed record State(int Epoch, double Best);

    private static string TempFile() => Path.Combine(Path.GetTempPath(), $"alexnet-ckpt-{Guid.NewGuid():N}", "c.ckpt");

    private static KeyValuePair<string, StoredTensor>[] Tensors() =>
        [new("a", new StoredTensor([2, 3], [1, 2, 3, 4, 5, 6])), new("b", new StoredTensor([1], [float.Epsilon]))];

    [TestMethod]
    public void CheckpointRoundTripsStateAndTensorsExactly()
    {
        var path = TempFile();
        Checkpoint.Save(path, new State(4, double.PositiveInfinity), Tensors());
        var (state, tensors) = Checkpoint.Load<State>(path);
        Assert.AreEqual(new State(4, double.PositiveInfinity), state);
        CollectionAssert.AreEqual(new long[] { 2, 3 }, tensors["a"].Shape);
        CollectionAssert.AreEqual(new float[] { 1, 2, 3, 4, 5, 6 }, tensors["a"].Data);
        Assert.AreEqual(float.Epsilon, tensors["b"].Data[0]);
        Assert.AreEqual(1, Directory.GetFiles(Path.GetDirectoryName(path)!).Length, "no temporary file left behind");
    }

    // The state block of a checkpoint written before the options were split into sections (commit 522646e, `train
    // --max-steps 1 --cosine 3 --epochs 3 --batch-norm --label-smoothing 0.1 --batch-size 16 --train-limit 64 …`), with
    // its folders shortened.
    private const string FlatOptionsState = """
        {"Options": {"Preset": "small", "CropSize": null, "ResizeSize": null, "CropPadding": null, "Data": "data/fashion-mnist", "RunDir": "runs/old",
         "Epochs": 3, "BatchSize": 16, "LearningRate": 0.01, "Momentum": 0.9, "WeightDecay": 0.0005, "Patience": 2, "MaxLearningRateDrops": 3,
         "LearningRateSteps": [], "CosineEpochs": 3, "LabelSmoothing": 0.1, "Seed": 1, "Init": 1, "PixelScale": null, "EffectivePixelScale": 0.00392156862745098,
         "Activation": 0, "Lrn": true, "LrnAlpha": 0.0001, "BatchNorm": true, "OverlappingPooling": true, "OneTower": false, "Width": 1, "Dropout": 0.5,
         "PcaLighting": true, "Augment": true, "RandomErasing": 0, "TrainLimit": 64, "ValLimit": 32, "MaxSteps": 1, "Devices": "cpu", "Threads": 0,
         "Workers": 2, "ResumeLearningRate": null, "Resume": false, "TenCropAtEnd": false, "Export": false, "LogEvery": 10},
         "ClassNames": ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"], "Channels": 1,
         "CompletedEpochs": 0, "BatchInEpoch": 1, "Step": 1, "LearningRate": 0.01, "BestValError": "Infinity", "EpochsSinceImprovement": 0,
         "LearningRateDrops": 0, "PartialEpoch": [50.318267822265625, 16, 16, 0.1123547], "History": [], "Steps": [],
         "PartialInterval": [50.318267822265625, 16, 16]}
        """;

    [TestMethod]
    public void CheckpointWithTheEarlierFlatOptionsIsReadIntoTheSections()
    {
        var path = TempFile();
        Checkpoint.Save(path, System.Text.Json.JsonDocument.Parse(FlatOptionsState).RootElement, Tensors());

        var o = Checkpoint.ReadState<TrainingState>(path).Options;

        Assert.AreEqual(new DataOptions { Path = "data/fashion-mnist", TrainLimit = 64, ValLimit = 32 }, o.Data);
        Assert.AreEqual(new ArchitectureOptions { BatchNorm = true }, o.Architecture);
        Assert.AreEqual(new OptimisationOptions { BatchSize = 16, LabelSmoothing = 0.1 }, o.Optimisation);
        Assert.AreEqual(new ScheduleOptions { Epochs = 3, LearningRate = new LearningRateSchedule.Cosine(3) }, o.Schedule);
        Assert.AreEqual(new AugmentationOptions(), o.Augmentation);
        Assert.AreEqual(1, o.Seed);
    }

    [TestMethod]
    public void TruncatedCheckpointIsRefusedWithAMessageNamingTheFile()
    {
        var path = TempFile();
        Checkpoint.Save(path, new State(1, 0.5), Tensors());
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length - 9)]);
        var e = Assert.ThrowsExactly<InvalidDataException>(() => Checkpoint.Load<State>(path));
        StringAssert.Contains(e.Message, path);
        StringAssert.Contains(e.Message, "truncated or corrupt");
    }

    [TestMethod]
    public void FlippedByteInsideACheckpointIsDetected()
    {
        var path = TempFile();
        Checkpoint.Save(path, new State(1, 0.5), Tensors());
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0x40;
        File.WriteAllBytes(path, bytes);
        Assert.ThrowsExactly<InvalidDataException>(() => Checkpoint.Load<State>(path));
    }

    [TestMethod]
    public void NonCheckpointFileIsRefusedAsNotACheckpoint()
    {
        var path = TempFile();
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "this is a text file, not a checkpoint at all");
        var e = Assert.ThrowsExactly<InvalidDataException>(() => Checkpoint.Load<State>(path));
        StringAssert.Contains(e.Message, "not an AlexNet checkpoint");
    }

    [TestMethod]
    public void FailedSaveLeavesThePreviousCheckpointIntact()
    {
        var path = TempFile();
        Checkpoint.Save(path, new State(1, 0.5), Tensors());
        var before = File.ReadAllBytes(path);
        // A tensor whose data cannot be enumerated fails the write half-way.
        var bad = new[] { new KeyValuePair<string, StoredTensor>("x", new StoredTensor([1], [1])) }
            .Concat(Enumerable.Range(0, 1).Select<int, KeyValuePair<string, StoredTensor>>(_ => throw new IOException("disk full (simulated)")));
        Assert.ThrowsExactly<IOException>(() => Checkpoint.Save(path, new State(2, 0.4), bad));
        CollectionAssert.AreEqual(before, File.ReadAllBytes(path));
        Assert.AreEqual(1, Directory.GetFiles(Path.GetDirectoryName(path)!).Length, "the temporary file is removed");
    }

    [TestMethod]
    public void SavingRemovesTemporariesLeftByKilledWritersButNotLiveOnes()
    {
        var path = TempFile();
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var live = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("sleep", "30"))!;
        var dead = path + ".tmp-" + int.MaxValue;           // no such process
        var running = path + ".tmp-" + live.Id;             // a writer that is still alive
        File.WriteAllText(dead, "half a checkpoint");
        File.WriteAllText(running, "being written");
        try
        {
            Checkpoint.Save(path, new State(1, 0.5), Tensors());
            Assert.IsFalse(File.Exists(dead), "the dead writer's temporary is removed");
            Assert.IsTrue(File.Exists(running), "a live writer's temporary is left alone");
        }
        finally { live.Kill(); }
    }
}
