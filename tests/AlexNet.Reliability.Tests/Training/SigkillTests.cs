using AlexNet.Reliability.Tests.Support;

namespace AlexNet.Reliability.Tests.Training;

/// <summary>
/// The training CLI killed with SIGKILL (no handler runs) while a checkpoint is being written and in the middle of
/// an epoch. After every kill the run folder's checkpoint.ckpt must be absent (none had completed) or load with
/// its checksum; <c>--resume</c> then finishes the run, with the same weights as a run that was never killed
/// (<c>--threads 1 --workers 1</c>; the epoch order no longer depends on the per-process HashCode seed).
/// </summary>
[TestClass]
public sealed class SigkillTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    public TestContext TestContext { get; set; } = null!;

    /// <summary>Starts the CLI, waits until it is writing its <paramref name="write"/>-th checkpoint, then SIGKILLs it.</summary>
    private static (bool MidWrite, long? StepBefore, long? StepAfter) KillDuringCheckpointWrite(string run, int write, int delayMs)
    {
        long? before = Checkpoints.Step(run);
        using var p = TrainingProcess.Start(TrainingProcess.TrainArgs(run, ReferenceRun.Epochs, resume: before != null));
        string tmp = $"{Checkpoints.In(run)}.tmp-{p.Pid}";
        for (int w = 1; w <= write; w++)
        {
            Assert.IsTrue(Poll.Until(() => File.Exists(tmp), Patience), $"no checkpoint write #{w} began. stderr:\n{TrainingProcess.Tail(p.Stderr)}");
            if (w < write) Assert.IsTrue(Poll.Until(() => !File.Exists(tmp), Patience), $"checkpoint write #{w} never finished");
        }
        Thread.Sleep(delayMs);
        p.Signal(Signals.SigKill);
        Assert.AreEqual(128 + Signals.SigKill, p.WaitForExit(Patience));
        bool midWrite = File.Exists(tmp);
        return (midWrite, before, Checkpoints.Step(run));
    }

    [TestMethod]
    public void SigkillDuringCheckpointWritesNeverLeavesACorruptCheckpointAndResumeFinishesTheRun()
    {
        using var run = new TempFolder();
        var random = new Random(8);
        int midWrites = 0;
        // The first write of a fresh run, the second write of a fresh or resumed run, then the first write after resuming twice.
        foreach (int write in new[] { 1, 2, 1, 1 })
        {
            var (midWrite, before, after) = KillDuringCheckpointWrite(run.Path, write, delayMs: random.Next(0, 30));
            TestContext.WriteLine($"kill during write #{write}: tmp file present {midWrite}, checkpoint step {before?.ToString() ?? "none"} -> {after?.ToString() ?? "none"}");
            if (midWrite) midWrites++;
            if (before is null && after is null) continue; // the first checkpoint never completed: absent, not corrupt
            Assert.IsNotNull(after, "a checkpoint that existed before the kill disappeared");
            Assert.IsGreaterThanOrEqualTo(before ?? 0, after.Value);
            Assert.AreEqual(0, after.Value % ReferenceRun.StepsPerEpoch, "checkpoints in this run are written at epoch ends");
        }
        Assert.IsGreaterThanOrEqualTo(3, midWrites, "at least three kills landed while checkpoint.ckpt.tmp-<pid> was being written");

        int code = TrainingProcess.Run(TrainingProcess.TrainArgs(run.Path, ReferenceRun.Epochs, resume: Checkpoints.Step(run.Path) != null),
            Patience, out var stderr);
        Assert.AreEqual(0, code, TrainingProcess.Tail(stderr));
        Assert.AreEqual((long)ReferenceRun.Epochs * ReferenceRun.StepsPerEpoch, Checkpoints.Step(run.Path));
        // Each resumed run's first save removes the temporaries of the killed writers.
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
        using (var p = TrainingProcess.Start(TrainingProcess.TrainArgs(run.Path, ReferenceRun.Epochs, resume: true)))
        {
            Assert.IsTrue(Poll.Until(() => p.Stderr.Contains($"] 2/{ReferenceRun.StepsPerEpoch}", StringComparison.Ordinal), Patience),
                TrainingProcess.Tail(p.Stderr));
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
