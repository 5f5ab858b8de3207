using AlexNet.Training.Training;

namespace AlexNet.Cli.Tests;

/// <summary>
/// <c>train --resume</c>: the run keeps what it was started with (data, architecture, optimisation, schedule,
/// augmentation, seed) from its checkpoint; runtime flags and <c>--epochs</c> come from the new command line; an
/// identity flag may repeat the stored value, and one that disagrees is a usage error naming both values.
/// </summary>
[TestClass]
public sealed class ResumeTests
{
    private static string _run = "";

    // One step of a run whose identity differs from the defaults (batch 16, 28-px images padded by 2, 64 images, 2 epochs).
    [ClassInitialize]
    public static void TrainOneStep(TestContext _)
    {
        _run = Cli.Scratch("cli-resume");
        var (code, _, err) = Cli.Run("train", "--data", Cli.FashionMnist, "--train-limit", "64", "--eval-limit", "32", "--batch-size", "16",
            "--resize-size", "28", "--crop-padding", "2", "--epochs", "2", "--max-steps", "1", "--workers", "1", "--no-ten-crop", "--no-export", "--run-dir", _run);
        Assert.AreEqual(0, code, err);
    }

    private static TrainOptions Resume(params string[] flags) => Cli.Train(["--run-dir", _run, "--resume", .. flags]);

    [TestMethod]
    public void ResumedRunKeepsTheIdentityItWasStartedWith()
    {
        var o = Resume();
        Assert.AreEqual(new DataOptions { Path = Cli.FashionMnist, TrainLimit = 64, ValLimit = 32 }, o.Data);
        Assert.AreEqual(new ArchitectureOptions { ResizeSize = 28, CropPadding = 2 }, o.Architecture);
        Assert.AreEqual(new OptimisationOptions { BatchSize = 16 }, o.Optimisation);
        Assert.AreEqual(2, o.Epochs);
    }

    [TestMethod]
    public void ResumedRunTakesTheRuntimeFlagsOfTheNewCommandLine()
    {
        var runtime = Resume("--devices", "cpu,cpu", "--workers", "3", "--threads", "1", "--export").Runtime;
        Assert.AreEqual(("cpu,cpu", 3, 1, true, true), (runtime.Devices, runtime.Workers, runtime.Threads, runtime.Export, runtime.Resume));
    }

    [TestMethod]
    public void ResumedRunMayBeGivenMoreEpochs()
    {
        Assert.AreEqual(5, Resume("--epochs", "5").Epochs);
    }

    [TestMethod]
    public void IdentityFlagRepeatingTheStoredValueIsAccepted()
    {
        Assert.AreEqual(16, Resume("--batch-size", "16", "--resize-size", "28").Optimisation.BatchSize);
    }

    [TestMethod]
    public void IdentityFlagThatDisagreesIsAUsageErrorNamingBothValues()
    {
        string err = Cli.UsageError("--run-dir", _run, "--resume", "--batch-size", "32");
        StringAssert.Contains(err, $"--batch-size gives 32, but this run's batch-size is 16 (from {Path.Combine(_run, Trainer.CheckpointFile)}).");
        StringAssert.Contains(err, "Drop --batch-size, or start a new run with another --run-dir.");
    }

    [TestMethod]
    public void SwitchThatDisagreesIsAUsageErrorNamingBothValues()
    {
        StringAssert.Contains(Cli.UsageError("--run-dir", _run, "--resume", "--batch-norm"), "--batch-norm gives on, but this run's batch-norm is off");
    }

    [TestMethod]
    public void ResumeWithoutACheckpointNamesTheMissingFile()
    {
        var empty = Cli.Scratch("cli-no-checkpoint");
        var (code, _, err) = Cli.Run("train", "--run-dir", empty, "--resume");
        Assert.AreEqual(1, code);
        StringAssert.Contains(err, $"--resume: no checkpoint at '{Path.Combine(empty, Trainer.CheckpointFile)}'.");
    }

    [TestMethod]
    public void ResumeWithoutARunDirIsAUsageError()
    {
        StringAssert.Contains(Cli.UsageError("--resume"), "--resume needs --run-dir: the folder of the run to continue.");
    }

    [TestMethod]
    public void ResumeOpensTheDataAtTheCheckpointsSizeAndFinishesTheRun()
    {
        var run = Cli.Scratch("cli-resume-run");
        foreach (var f in Directory.GetFiles(_run)) File.Copy(f, Path.Combine(run, Path.GetFileName(f)));

        var (code, _, err) = Cli.Run("train", "--run-dir", run, "--resume", "--workers", "1");

        Assert.AreEqual(0, code, err);
        StringAssert.Contains(err, "64 train, 32 validation");
        Assert.HasCount(3, File.ReadAllLines(Path.Combine(run, "metrics.csv")), "header + epochs 1 and 2");
    }
}
