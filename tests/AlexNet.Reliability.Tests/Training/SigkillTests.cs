using AlexNet.Reliability.Tests.Support;

namespace AlexNet.Reliability.Tests.Training;

/// <summary>
/// The training CLI killed with SIGKILL (no handler runs) while a checkpoint is being written (held there by a FIFO in
/// place of its temporary file) and in the middle of an epoch (held there before a step, <see cref="StepHold"/>). After every kill the run folder's checkpoint.ckpt must
/// be absent (none had completed) or the last complete one, byte for byte; <c>--resume</c> then finishes the run, with the same weights as a run that was never killed
/// (<c>--threads 1 --workers 1</c>; the epoch order no longer depends on the per-process HashCode seed).
/// </summary>
[TestClass]
public sealed class SigkillTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    public TestContext TestContext { get; set; } = null!;

    /// <summary>
    /// Starts the CLI held before the first step of the epoch whose end makes checkpoint write <paramref name="write"/>
    /// (ALEXNET_HOLD_BEFORE_STEP): the writes before it are done, that one has not begun. There a FIFO goes where the
    /// write's temporary file will be; the run is let go, and SIGKILLed once that write has put its first bytes into the
    /// pipe. The writer is then blocked with the pipe full, so every kill lands mid-write.
    /// </summary>
    private static (long? StepBefore, long? StepAfter, byte[]? Before, byte[]? After) KillDuringCheckpointWrite(string run, int write)
    {
        string checkpoint = Checkpoints.In(run);
        long? before = Checkpoints.Step(run);
        // Each epoch ends with one checkpoint write, so write k - 1 is done when the checkpoint holds k - 1 more epochs.
        long held = (before ?? 0) + (write - 1L) * ReferenceRun.StepsPerEpoch;
        using var hold = new StepHold(held);
        using var p = TrainingProcess.Start(TrainingProcess.TrainArgs(run, ReferenceRun.Epochs, resume: before != null), hold);
        Assert.IsTrue(hold.AwaitArrival(Patience), $"the run never reached step {held}. stderr:\n{TrainingProcess.Tail(p.Stderr)}");
        Assert.AreEqual(write > 1 ? held : before, Checkpoints.Step(run), $"checkpoint write #{write - 1} is done and #{write} has not begun");
        var kept = File.Exists(checkpoint) ? File.ReadAllBytes(checkpoint) : null;
        string tmp = $"{checkpoint}.tmp-{p.Pid}";
        Assert.IsTrue(Fifo.TryCreate(tmp), $"{tmp} exists while the run is held before its next checkpoint write");
        hold.Release();
        var writer = Fifo.AwaitWriter(tmp, bytes: 4096, Patience);
        Assert.IsNotNull(writer, $"no checkpoint write #{write} began. stderr:\n{TrainingProcess.Tail(p.Stderr)}");
        using (writer.Value.Pipe)
        {
            CollectionAssert.AreEqual("ALXNCKPT"u8.ToArray(), writer.Value.FirstBytes[..8], "the writer was writing a checkpoint");
            p.Signal(Signals.SigKill);
            Assert.AreEqual(128 + Signals.SigKill, p.WaitForExit(Patience));
        }
        return (before, Checkpoints.Step(run), kept, File.Exists(checkpoint) ? File.ReadAllBytes(checkpoint) : null);
    }

    [TestMethod]
    public void SigkillDuringCheckpointWritesNeverLeavesACorruptCheckpointAndResumeFinishesTheRun()
    {
        using var run = new TempFolder();
        // The first write of a fresh run, the second write of a resumed run, then the first write after resuming twice.
        foreach (int write in new[] { 1, 2, 1, 1 })
        {
            var (before, after, kept, left) = KillDuringCheckpointWrite(run.Path, write);
            TestContext.WriteLine($"kill during write #{write}: checkpoint step {before?.ToString() ?? "none"} -> {after?.ToString() ?? "none"}");
            // The killed write never reached the rename: the file is the one the last complete write left, byte for byte.
            if (kept is null) Assert.IsNull(left, "a checkpoint appeared from a write that was killed");
            else CollectionAssert.AreEqual(kept, left, "the checkpoint changed under a killed write");
            if (after is { } step) Assert.AreEqual(0, step % ReferenceRun.StepsPerEpoch, "checkpoints in this run are written at epoch ends");
        }

        int code = TrainingProcess.Run(TrainingProcess.TrainArgs(run.Path, ReferenceRun.Epochs, resume: Checkpoints.Step(run.Path) != null),
            Patience, out var stderr);
        Assert.AreEqual(0, code, TrainingProcess.Tail(stderr));
        Assert.AreEqual((long)ReferenceRun.Epochs * ReferenceRun.StepsPerEpoch, Checkpoints.Step(run.Path));
        // Each resumed run's first save removes the temporaries (here FIFOs) of the killed writers.
        Assert.IsEmpty(Checkpoints.Leftovers(run.Path), "temporary files left by the kills");
    }

    [TestMethod]
    public void SigkillMidEpochKeepsTheLastEpochCheckpointAndResumeFinishesTheRun()
    {
        using var run = new TempFolder();
        // Two full epochs, then a third killed after its second step.
        int code = TrainingProcess.Run(TrainingProcess.TrainArgs(run.Path, ReferenceRun.Epochs, maxSteps: 2 * ReferenceRun.StepsPerEpoch),
            Patience, out var stderr);
        Assert.AreEqual(0, code, TrainingProcess.Tail(stderr));
        var before = File.ReadAllBytes(Checkpoints.In(run.Path));
        // Held (and killed) before epoch 3's third step: its first two are done, its checkpoint is two steps away.
        using (var hold = new StepHold(2L * ReferenceRun.StepsPerEpoch + 2))
        using (var p = TrainingProcess.Start(TrainingProcess.TrainArgs(run.Path, ReferenceRun.Epochs, resume: true), hold))
        {
            Assert.IsTrue(hold.AwaitArrival(Patience), $"the run never reached epoch 3's third step. stderr:\n{TrainingProcess.Tail(p.Stderr)}");
            p.Signal(Signals.SigKill);
            Assert.AreEqual(128 + Signals.SigKill, p.WaitForExit(Patience));
            StringAssert.Contains(p.Stderr, $"epoch 3/{ReferenceRun.Epochs}");
        }
        CollectionAssert.AreEqual(before, File.ReadAllBytes(Checkpoints.In(run.Path)), "the epoch-2 checkpoint is untouched by the kill");
        Assert.AreEqual(2L * ReferenceRun.StepsPerEpoch, Checkpoints.Step(run.Path));

        code = TrainingProcess.Run(TrainingProcess.TrainArgs(run.Path, ReferenceRun.Epochs, resume: true), Patience, out stderr);
        Assert.AreEqual(0, code, TrainingProcess.Tail(stderr));
        Assert.AreEqual((long)ReferenceRun.Epochs * ReferenceRun.StepsPerEpoch, Checkpoints.Step(run.Path));
        Assert.HasCount(ReferenceRun.Epochs, AlexNet.Training.Training.Checkpoint.Load<AlexNet.Training.Training.TrainingState>(Checkpoints.In(run.Path)).State.History,
            "one metrics row per epoch: the replayed epoch 3 is counted once");

        using var unkilled = new TempFolder();
        code = TrainingProcess.Run(TrainingProcess.TrainArgs(unkilled.Path, ReferenceRun.Epochs), Patience, out stderr);
        Assert.AreEqual(0, code, TrainingProcess.Tail(stderr));
        double difference = Checkpoints.MaxWeightDifference(Checkpoints.In(run.Path), Checkpoints.In(unkilled.Path));
        TestContext.WriteLine($"killed, resumed and finished vs never killed: max |weight difference| = {difference}");
        Assert.AreEqual(0.0, difference, "resuming after a kill replays the run exactly");
    }
}
