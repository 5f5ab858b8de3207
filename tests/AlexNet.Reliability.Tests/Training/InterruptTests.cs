using AlexNet.Reliability.Tests.Support;

namespace AlexNet.Reliability.Tests.Training;

/// <summary>Ctrl-C (SIGINT) and SIGTERM: the step finishes, a checkpoint is written, the CLI exits 0, and the run resumes.</summary>
[TestClass]
public sealed class InterruptTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    [TestMethod]
    public void SigIntMidEpochSavesACheckpointAndExitsZero() =>
        SignalMidEpochSavesACheckpointAndExitsZero(Signals.SigInt, TrainingProcess.Start);

    [TestMethod]
    public void SigTermMidEpochSavesACheckpointAndExitsZero() =>
        SignalMidEpochSavesACheckpointAndExitsZero(Signals.SigTerm, TrainingProcess.Start);

    // A signal mask survives fork and exec: before the CLI unblocked them, both signals stayed pending and the run went
    // on to its last epoch (the bug seen under the full CI load, reproduced this way).
    [TestMethod]
    public void SigIntBlockedAndIgnoredByTheLauncherStillSavesACheckpoint() =>
        SignalMidEpochSavesACheckpointAndExitsZero(Signals.SigInt, TrainingProcess.StartWithTerminationSignalsBlocked);

    [TestMethod]
    public void SigTermBlockedByTheLauncherStillSavesACheckpoint() =>
        SignalMidEpochSavesACheckpointAndExitsZero(Signals.SigTerm, TrainingProcess.StartWithTerminationSignalsBlocked);

    private static void SignalMidEpochSavesACheckpointAndExitsZero(int signal, Func<IEnumerable<string>, TrainingProcess> start)
    {
        using var run = new TempFolder();
        using (var p = start(TrainingProcess.TrainArgs(run.Path, epochs: 50)))
        {
            Assert.IsTrue(Poll.Until(() => p.Stderr.Contains($"] 1/{ReferenceRun.StepsPerEpoch}", StringComparison.Ordinal), Patience), TrainingProcess.Tail(p.Stderr));
            string acknowledgement = signal == Signals.SigInt ? "Ctrl-C:" : "SIGTERM:";
            p.Signal(signal);
            bool acknowledged = Poll.Until(() => p.Stderr.Contains(acknowledgement, StringComparison.Ordinal) || p.HasExited, TimeSpan.FromSeconds(30));
            Assert.IsTrue(acknowledged, $"no '{acknowledgement}' within 30 s; signal state: {p.SignalState()}\n{TrainingProcess.Tail(p.Stderr)}");
            Assert.AreEqual(0, p.WaitForExit(Patience), TrainingProcess.Tail(p.Stderr));
            StringAssert.Contains(p.Stderr, acknowledgement);
            StringAssert.Contains(p.Stderr, "checkpoint saved at epoch 1");
            StringAssert.Contains(p.Stdout, $"checkpoint: {Checkpoints.In(run.Path)}");
        }
        long step = Checkpoints.Step(run.Path) ?? throw new AssertFailedException("no checkpoint");
        Assert.IsTrue(step is >= 1 and < ReferenceRun.StepsPerEpoch, $"saved mid-epoch at step {step}");

        int code = TrainingProcess.Run(TrainingProcess.TrainArgs(run.Path, epochs: 1, resume: true), Patience, out var stderr);
        Assert.AreEqual(0, code, TrainingProcess.Tail(stderr));
        Assert.AreEqual((long)ReferenceRun.StepsPerEpoch, Checkpoints.Step(run.Path));
    }
}
