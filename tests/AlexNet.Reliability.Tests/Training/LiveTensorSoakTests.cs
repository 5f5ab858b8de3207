using AlexNet.Reliability.Tests.Support;
using AlexNet.Training.Training;
using TorchSharp;

namespace AlexNet.Reliability.Tests.Training;

/// <summary>
/// Training the `small` preset for many epochs in-process: the number of live tensors on the training thread
/// (TorchSharp's DisposeScopeManager statistics) is the same at the end of every epoch, so nothing leaks per step.
/// 8 epochs of 4 steps here; <c>ALEXNET_SOAK_EPOCHS=…</c> (with <c>ALEXNET_SOAK_TRAIN_LIMIT</c>) runs the long soak.
/// </summary>
[TestClass]
public sealed class LiveTensorSoakTests
{
    public TestContext TestContext { get; set; } = null!;

    private static int Env(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), out var n) && n > 0 ? n : fallback;

    [TestMethod]
    public void LiveTensorCountIsFlatAcrossEpochs()
    {
        int epochs = Env("ALEXNET_SOAK_EPOCHS", 8), trainLimit = Env("ALEXNET_SOAK_TRAIN_LIMIT", TinyFashionMnist.TrainImages);
        string dataFolder = trainLimit > TinyFashionMnist.TrainImages
            ? AlexNet.Training.Data.FashionMnist.FindVendoredFolder()!
            : TinyFashionMnist.Folder;
        using var run = new TempFolder();
        var data = TrainingData.Open(dataFolder, 32, trainLimit: trainLimit, evalLimit: 32);
        var samples = new List<(int Epoch, long Live, long WorkingSet)>();
        var log = new EpochEndWriter(epoch => samples.Add((epoch, DisposeScopeManager.Statistics.ThreadTotalLiveCount, MemoryUse.WorkingSet())));
        var options = new TrainOptions
        {
            Data = new() { Path = dataFolder, TrainLimit = trainLimit, ValLimit = 32 },
            Optimisation = new() { BatchSize = 16 },
            Schedule = new() { Epochs = epochs },
            Runtime = new() { RunDir = run.Path, Workers = 1, Threads = 1, TenCropAtEnd = false, Export = false, Log = log },
        };
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        using (var trainer = new Trainer(options, data))
        {
            var result = trainer.Run();
            Assert.AreEqual(epochs, result.State.CompletedEpochs);
        }
        long after = DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        foreach (var s in samples) TestContext.WriteLine($"epoch {s.Epoch}: {s.Live} live tensors, working set {s.WorkingSet / 1048576.0:F1} MiB");
        TestContext.WriteLine($"live tensors before the trainer {before}, after disposing it {after}");
        Assert.HasCount(epochs, samples);
        var live = samples.Select(s => s.Live).Distinct().ToArray();
        Assert.HasCount(1, live, $"live tensors per epoch end: {string.Join(", ", samples.Select(s => s.Live))}");
    }

    // Calls back at each "epoch N: loss …" line the trainer logs after its end-of-epoch checkpoint.
    private sealed class EpochEndWriter(Action<int> onEpoch) : TextWriter
    {
        public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;
        public override void Write(char value) { }
        public override void WriteLine(string? value)
        {
            if (value is null || !value.StartsWith("epoch ", StringComparison.Ordinal)) return;
            var head = value["epoch ".Length..];
            int colon = head.IndexOf(':');
            if (colon > 0 && int.TryParse(head[..colon], out int epoch)) onEpoch(epoch);
        }
    }
}
