using AlexNet.Reliability.Tests.Support;

namespace AlexNet.Reliability.Tests.Training;

/// <summary>Ctrl-C (SIGINT) and SIGTERM: the step finishes, a checkpoint is written, the CLI exits 0, and the run resumes.</summary>
[TestClass]
public sealed class InterruptTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    [TestMethod]
    public void SigIntMidEpochSavesACheckpointAndExitsZero() =>
        SignalMidEpochSavesACheckpointAndExitsZero(Signals.SigInt, (args, hold) => TrainingProcess.Start(args, hold));

    [TestMethod]
    public void SigTermMidEpochSavesACheckpointAndExitsZero() =>
        SignalMidEpochSavesACheckpointAndExitsZero(Signals.SigTerm, (args, hold) => TrainingProcess.Start(args, hold));

    // A signal mask survives fork and exec: before the CLI unblocked them, both signals stayed pending and the run went
    // on to its last epoch (the bug seen under the full CI load, reproduced this way).
    [TestMethod]
    public void SigIntBlockedAndIgnoredByTheLauncherStillSavesACheckpoint() =>
        SignalMidEpochSavesACheckpointAndExitsZero(Signals.SigInt, (args, hold) => TrainingProcess.StartWithTerminationSignalsBlocked(args, hold));

    [TestMethod]
    public void SigTermBlockedByTheLauncherStillSavesACheckpoint() =>
        SignalMidEpochSavesACheckpointAndExitsZero(Signals.SigTerm, (args, hold) => TrainingProcess.StartWithTerminationSignalsBlocked(args, hold));

    // The run is held before its second step (ALEXNET_HOLD_BEFORE_STEP), signalled there, and let go once its handler has
    // answered: the step under way finishes and the run stops with it, so the checkpoint is at step 2 on any machine.
    private static void SignalMidEpochSavesACheckpointAndExitsZero(int signal, Func<IEnumerable<string>, StepHold, TrainingProcess> start)
    {
        using var run = new TempFolder();
        using (var hold = new StepHold(step: 1))
        using (var p = start(TrainingProcess.TrainArgs(run.Path, epochs: 50), hold))
        {
            Assert.IsTrue(hold.AwaitArrival(Patience), $"the run never reached its second step. stderr:\n{TrainingProcess.Tail(p.Stderr)}");
            string acknowledgement = signal == Signals.SigInt ? "Ctrl-C:" : "SIGTERM:";
            p.Signal(signal);
            bool acknowledged = Poll.Until(() => p.Stderr.Contains(acknowledgement, StringComparison.Ordinal) || p.HasExited, TimeSpan.FromSeconds(30));
            Assert.IsTrue(acknowledged, $"no '{acknowledgement}' within 30 s; signal state: {p.SignalState()}\n{TrainingProcess.Tail(p.Stderr)}");
            hold.Release();
            Assert.AreEqual(0, p.WaitForExit(Patience), TrainingProcess.Tail(p.Stderr));
            StringAssert.Contains(p.Stderr, acknowledgement);
            StringAssert.Contains(p.Stderr, $"interrupted: checkpoint saved at epoch 1, batch 2/{ReferenceRun.StepsPerEpoch}");
            StringAssert.Contains(p.Stdout, $"checkpoint: {Checkpoints.In(run.Path)}");
        }
        Assert.AreEqual(2L, Checkpoints.Step(run.Path), "the step under way when the signal came finished, and the run stopped after it");

        int code = TrainingProcess.Run(TrainingProcess.TrainArgs(run.Path, epochs: 1, resume: true), Patience, out var stderr);
        Assert.AreEqual(0, code, TrainingProcess.Tail(stderr));
        Assert.AreEqual((long)ReferenceRun.StepsPerEpoch, Checkpoints.Step(run.Path));
    }
}
