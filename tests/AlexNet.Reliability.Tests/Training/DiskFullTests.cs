using AlexNet.Reliability.Tests.Support;

namespace AlexNet.Reliability.Tests.Training;

/// <summary>
/// A checkpoint write that runs out of space. The CLI runs under <c>ulimit -f</c> (a file-size limit of half a
/// checkpoint) with SIGXFSZ ignored, so the write fails with EFBIG as a full disk fails with ENOSPC.
/// </summary>
[TestClass]
public sealed class DiskFullTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    [TestMethod]
    public void CheckpointWritePastTheSizeLimitFailsWithAClearErrorAndKeepsThePreviousCheckpoint()
    {
        using var run = new TempFolder();
        int code = TrainingProcess.Run(TrainingProcess.TrainArgs(run.Path, epochs: 1), Patience, out var stderr);
        Assert.AreEqual(0, code, TrainingProcess.Tail(stderr));
        string ckpt = Checkpoints.In(run.Path);
        var before = File.ReadAllBytes(ckpt);

        using (var p = TrainingProcess.StartWithFileSizeLimit(before.Length / 2 / 1024, TrainingProcess.TrainArgs(run.Path, epochs: 2, resume: true)))
        {
            Assert.AreEqual(1, p.WaitForExit(Patience), TrainingProcess.Tail(p.Stderr));
            StringAssert.Contains(p.Stderr, $"error: Could not write checkpoint '{ckpt}'");
            StringAssert.Contains(p.Stderr, "too large for the file system");
            StringAssert.Contains(p.Stderr, "The previous checkpoint, if any, is unchanged.");
        }
        CollectionAssert.AreEqual(before, File.ReadAllBytes(ckpt));
        Assert.IsEmpty(Checkpoints.Leftovers(run.Path), "the half-written temporary file is removed");

        // With room again, the kept checkpoint resumes.
        code = TrainingProcess.Run(TrainingProcess.TrainArgs(run.Path, epochs: 2, resume: true), Patience, out stderr);
        Assert.AreEqual(0, code, TrainingProcess.Tail(stderr));
        Assert.AreEqual(2L * ReferenceRun.StepsPerEpoch, Checkpoints.Step(run.Path));
    }
}
