namespace AlexNet.Cli.Tests;

/// <summary>What a user sees from a command line the CLI cannot run: the exit code and an error naming the flag or file.</summary>
[TestClass]
public sealed class CommandLineTests
{
    [TestMethod]
    public void UnknownFlagIsAUsageErrorSuggestingTheNearestFlag()
    {
        var (code, text, err) = Cli.Run("train", "--batchsize", "64");
        Assert.AreEqual(2, code);
        StringAssert.Contains(err, "Unrecognized command or argument '--batchsize'.");
        // System.CommandLine writes its suggestion to standard output.
        StringAssert.Contains(text, "'--batchsize' was not matched. Did you mean one of the following?\n--batch-size");
    }

    [TestMethod]
    public void NonNumericValueIsAUsageErrorNamingTheFlag()
    {
        StringAssert.Contains(Cli.UsageError("--epochs", "many"), "Cannot parse argument 'many' for option '--epochs'");
    }

    [TestMethod]
    public void ValueOutOfRangeIsAUsageErrorSayingTheRange()
    {
        StringAssert.Contains(Cli.UsageError("--label-smoothing", "1"), "--label-smoothing 1: must be at least 0 and below 1.");
        StringAssert.Contains(Cli.UsageError("--random-erasing", "1.5"), "--random-erasing 1.5: must be between 0 and 1.");
        StringAssert.Contains(Cli.UsageError("--width", "0"), "--width 0: must be positive.");
        StringAssert.Contains(Cli.UsageError("--lrn-alpha", "0"), "--lrn-alpha 0: must be positive.");
        StringAssert.Contains(Cli.UsageError("--memory-format", "nhwc"), "--memory-format nhwc: must be channels-last or contiguous.");
    }

    [TestMethod]
    public void SwitchGivenWithItsNegationIsAUsageError()
    {
        StringAssert.Contains(Cli.UsageError("--lrn", "--no-lrn"), "--lrn and --no-lrn contradict each other; give one.");
    }

    [TestMethod]
    public void CropsThatDoNotFitTheResizedImageAndItsPaddingAreAUsageError()
    {
        StringAssert.Contains(Cli.UsageError("--resize-size", "20", "--crop-padding", "1"),
            "The 28-px crops do not fit a 20-px image with 1 px of padding on each side.");
    }

    [TestMethod]
    public void CropTooSmallForThePresetsPoolingIsAUsageErrorNamingTheLayer()
    {
        StringAssert.Contains(Cli.UsageError("--crop-size", "8"), "8-px crops are too small for the small preset: Pooling after conv5 leaves no output at input 8.");
    }

    [TestMethod]
    public void ScheduleStepsOutOfOrderAreAUsageErrorNamingBothEpochs()
    {
        StringAssert.Contains(Cli.UsageError("--schedule", "steps:24,16"), "--schedule 'steps:24,16': the epochs must increase (24 then 16).");
    }

    [TestMethod]
    public void UnknownScheduleIsAUsageErrorListingTheSchedules()
    {
        StringAssert.Contains(Cli.UsageError("--schedule", "linear"), "--schedule 'linear': use plateau, plateau:PATIENCE,MAX_DROPS, steps:E1,E2,… or cosine[:T].");
    }

    [TestMethod]
    public void CosineShorterThanTheRunIsAUsageErrorSayingWhatToGive()
    {
        StringAssert.Contains(Cli.UsageError("--schedule", "cosine:30", "--epochs", "36"),
            "--schedule cosine:30 reaches ε = 0 after epoch 30; --epochs 36 would train on at 0. Give --schedule cosine:36 (or cosine).");
    }

    [TestMethod]
    public void ResumeLearningRateWithoutResumeIsAUsageError()
    {
        StringAssert.Contains(Cli.UsageError("--resume-lr", "0.001"), "--resume-lr needs --resume.");
    }

    [TestMethod]
    public void MissingDatasetFolderIsNamedInTheError()
    {
        var missing = Path.Combine(Path.GetTempPath(), "no-such-dataset-" + Guid.NewGuid().ToString("N"));
        var (code, _, err) = Cli.Run("train", "--data", missing, "--run-dir", Cli.Scratch("cli"));
        Assert.AreEqual(1, code);
        StringAssert.Contains(err, missing);
        StringAssert.Contains(err, "does not exist");
    }

    [TestMethod]
    public void EmptyClassFolderInAnImageTreeIsReportedByPath()
    {
        var root = Cli.Scratch("empty-class");
        foreach (var split in new[] { "train", "val" })
        {
            Directory.CreateDirectory(Path.Combine(root, split, "cat"));
            Directory.CreateDirectory(Path.Combine(root, split, "dog"));
            File.Copy(TestPhotos.Path("chelsea.png"), Path.Combine(root, split, "cat", "chelsea.png"));
        }
        var (code, _, err) = Cli.Run("train", "--data", root, "--run-dir", Cli.Scratch("cli"));
        Assert.AreEqual(1, code);
        StringAssert.Contains(err, Path.Combine("train", "dog"));
    }

    [TestMethod]
    public void NoCommandPrintsTheCommandsAndIsAUsageError()
    {
        var (code, text, _) = Cli.Run();
        Assert.AreEqual(2, code);
        foreach (var command in new[] { "train", "evaluate", "export", "prepare", "study", "doctor" })
            StringAssert.Contains(text, command);
    }

    [TestMethod]
    public void TrainHelpListsEveryKnobGroupedAsTheOptions()
    {
        var (code, text, _) = Cli.Run("train", "--help");
        Assert.AreEqual(0, code);
        string[] inOrder = ["--config", "--data", "--preset", "--dropout", "--batch-size", "--lr", "--momentum", "--weight-decay", "--epochs",
                            "--schedule", "--augment", "--seed", "--run-dir", "--devices", "--workers", "--resume-lr"];
        var positions = inOrder.Select(flag => text.IndexOf("  " + flag + " ", StringComparison.Ordinal)).ToArray();
        CollectionAssert.DoesNotContain(positions, -1, text);
        CollectionAssert.AreEqual(positions.Order().ToArray(), positions, "data, architecture, optimisation, schedule, augmentation, seed, runtime");
    }

    [TestMethod]
    public void TrainHelpStatesEachDefaultFromTheOptionsRecords()
    {
        var (_, text, _) = Cli.Run("train", "--help");
        StringAssert.Contains(text, "[default: 128]", "--batch-size from OptimisationOptions");
        StringAssert.Contains(text, "[default: plateau:2,3]", "--schedule from ScheduleOptions");
        StringAssert.Contains(text, "[default: 0.0005]", "--weight-decay from OptimisationOptions");
    }
}
