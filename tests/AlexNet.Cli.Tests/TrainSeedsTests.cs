using AlexNet.Training.Training;

namespace AlexNet.Cli.Tests;

/// <summary>
/// <c>train --seeds</c>: the same run under each seed in RUN_DIR/seedN; a finished seed is read back, a stopped one
/// continues, a folder of other settings is refused; with every seed done, RUN_DIR/seeds.md holds the mean ± sd.
/// </summary>
[TestClass]
public sealed class TrainSeedsTests
{
    // 64 images in batches of 16: four steps an epoch.
    private static readonly string[] Tiny = ["--data", Cli.FashionMnist, "--train-limit", "64", "--eval-limit", "32", "--batch-size", "16", "--epochs", "1",
        "--workers", "1", "--no-export"];

    [TestMethod]
    public void EachSeedTrainsInItsFolderAndTheReportHoldsTheirMean()
    {
        string dir = Cli.Scratch("train-seeds");
        var (code, text, err) = Cli.Run(["train", .. Tiny, "--seeds", "1,2", "--run-dir", dir]);

        Assert.AreEqual(0, code, err);
        var tests = new[] { 1, 2 }.Select(s => FinalEvaluation.Read(Path.Combine(dir, $"seed{s}", FinalEvaluation.FileName))).ToArray();
        var runs = tests.Select((t, i) => new SeedRun(i + 1, 1, t)).ToList();
        string centre = SeedRuns.MeanSd(SeedRuns.Accuracy(runs, t => t.CentreCrop)), ten = SeedRuns.MeanSd(SeedRuns.Accuracy(runs, t => t.TenCrop));
        var report = File.ReadAllText(Path.Combine(dir, TrainCommand.SeedsReport));
        StringAssert.Contains(report, $"| mean ± sd | | {centre} | {ten} |");
        StringAssert.Contains(report, "Made by `dotnet run --project AlexNet.Cli -- train --data ");
        StringAssert.Contains(text, $"top-1 accuracy over seeds 1,2: centre crop {centre}, ten-crop {ten} (mean ± sd)");
    }

    [TestMethod]
    public void EachSeedsRunHasThatSeed()
    {
        string dir = Cli.Scratch("train-seeds-identity");
        var (code, _, err) = Cli.Run(["train", .. Tiny, "--seeds", "3,5", "--run-dir", dir]);

        Assert.AreEqual(0, code, err);
        Assert.AreEqual(3, Checkpoint.ReadState<TrainingState>(Path.Combine(dir, "seed3", Trainer.CheckpointFile)).Options.Seed);
        Assert.AreEqual(5, Checkpoint.ReadState<TrainingState>(Path.Combine(dir, "seed5", Trainer.CheckpointFile)).Options.Seed);
    }

    [TestMethod]
    public void TheSameCommandAgainReadsFinishedSeedsBackWithoutTraining()
    {
        string dir = Cli.Scratch("train-seeds-again");
        Assert.AreEqual(0, Cli.Run(["train", .. Tiny, "--seeds", "1", "--run-dir", dir]).Code);
        var checkpoint = Path.Combine(dir, "seed1", Trainer.CheckpointFile);
        var written = File.GetLastWriteTimeUtc(checkpoint);

        var (code, _, err) = Cli.Run(["train", .. Tiny, "--seeds", "1", "--run-dir", dir]);

        Assert.AreEqual(0, code, err);
        StringAssert.Contains(err, $"seed 1: finished earlier (1 epochs), its final evaluation read from {Path.Combine(dir, "seed1", FinalEvaluation.FileName)}");
        Assert.AreEqual(written, File.GetLastWriteTimeUtc(checkpoint), "a finished seed is not trained again");
    }

    [TestMethod]
    public void AStoppedSeedContinuesFromItsCheckpointAndTheReportWaitsForIt()
    {
        string dir = Cli.Scratch("train-seeds-stopped");
        var (code, text, err) = Cli.Run(["train", .. Tiny, "--seeds", "1,2", "--max-steps", "2", "--run-dir", dir]);
        Assert.AreEqual(0, code, err);
        StringAssert.Contains(text, "stopped in seed 1; the same command continues it");
        Assert.IsFalse(File.Exists(Path.Combine(dir, TrainCommand.SeedsReport)), "no report before every seed is done");
        Assert.IsFalse(Directory.Exists(Path.Combine(dir, "seed2")), "the next seed waits for the stopped one");

        (code, _, err) = Cli.Run(["train", .. Tiny, "--seeds", "1,2", "--run-dir", dir]);

        Assert.AreEqual(0, code, err);
        StringAssert.Contains(err, "seed 1: continuing from epoch 0");
        Assert.AreEqual(4, Checkpoint.ReadState<TrainingState>(Path.Combine(dir, "seed1", Trainer.CheckpointFile)).Step);
        Assert.IsTrue(File.Exists(Path.Combine(dir, TrainCommand.SeedsReport)));
    }

    [TestMethod]
    public void ASeedFolderHoldingARunOfOtherSettingsIsAUsageErrorNamingTheSetting()
    {
        string dir = Cli.Scratch("train-seeds-other");
        Assert.AreEqual(0, Cli.Run(["train", .. Tiny, "--seeds", "1", "--max-steps", "1", "--run-dir", dir]).Code);

        string err = Cli.UsageError([.. Tiny, "--seeds", "1", "--lr", "0.02", "--run-dir", dir]);

        StringAssert.Contains(err, $"--seeds: {Path.Combine(dir, "seed1", Trainer.CheckpointFile)} is a run with lr 0.01, but this command gives 0.02.");
    }

    [TestMethod]
    public void SeedAndSeedsTogetherAreAUsageError() =>
        StringAssert.Contains(Cli.UsageError("--seeds", "1,2", "--seed", "3"), "--seed and --seeds both name the seeds; give one of them.");

    [TestMethod]
    public void ResumeWithSeedsIsAUsageError() =>
        StringAssert.Contains(Cli.UsageError("--seeds", "1,2", "--resume", "--run-dir", "runs/x"), "--seeds continues each seed's stopped run by itself");

    [TestMethod]
    public void ASeedNamedTwiceIsAUsageError() =>
        StringAssert.Contains(Cli.UsageError("--seeds", "1,2,1"), "--seeds names seed 1 twice; give each seed once.");
}
