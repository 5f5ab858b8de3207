using AlexNet.Training.Cli;

namespace AlexNet.Training.Tests.Cli;

[TestClass]
public sealed class CommandLineTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var (oldOut, oldErr) = (Console.Out, Console.Error);
        var (o, e) = (new StringWriter(), new StringWriter());
        Console.SetOut(o);
        Console.SetError(e);
        try { return (Commands.Run(args), o.ToString(), e.ToString()); }
        finally { Console.SetOut(oldOut); Console.SetError(oldErr); }
    }

    [TestMethod]
    public void UnknownFlagExitsWithUsageErrorAndSuggestsTheNearestFlag()
    {
        var (code, _, err) = Run("train", "--batchsize", "64");
        Assert.AreEqual(2, code);
        StringAssert.Contains(err, "Unknown flag --batchsize");
        StringAssert.Contains(err, "--batch-size");
    }

    [TestMethod]
    public void MissingDatasetFolderIsNamedInTheError()
    {
        var missing = Path.Combine(Path.GetTempPath(), "no-such-dataset-" + Guid.NewGuid().ToString("N"));
        var (code, _, err) = Run("train", "--data", missing, "--run-dir", RepoPaths.NewTempFolder("cli"));
        Assert.AreEqual(1, code);
        StringAssert.Contains(err, missing);
        StringAssert.Contains(err, "does not exist");
    }

    [TestMethod]
    public void EmptyClassFolderInAnImageTreeIsReportedByPath()
    {
        var root = RepoPaths.NewTempFolder("empty-class");
        foreach (var split in new[] { "train", "val" })
        {
            Directory.CreateDirectory(Path.Combine(root, split, "cat"));
            Directory.CreateDirectory(Path.Combine(root, split, "dog"));
            File.Copy(TestPhotos.Path("chelsea.png"), Path.Combine(root, split, "cat", "chelsea.png"));
        }
        var (code, _, err) = Run("train", "--data", root, "--preset", "small", "--run-dir", RepoPaths.NewTempFolder("cli"));
        Assert.AreEqual(1, code);
        StringAssert.Contains(err, Path.Combine("train", "dog"));
    }

    [TestMethod]
    public void NonNumericValueIsAUsageError()
    {
        var (code, _, err) = Run("train", "--epochs", "many");
        Assert.AreEqual(2, code);
        StringAssert.Contains(err, "--epochs 'many'");
    }

    [TestMethod]
    public void CropsThatDoNotFitTheResizedImageAndItsPaddingAreAUsageError()
    {
        var (code, _, err) = Run("train", "--resize-size", "20", "--crop-padding", "1");
        Assert.AreEqual(2, code);
        StringAssert.Contains(err, "The 28-px crops do not fit a 20-px image with 1 px of padding on each side.");
    }

    [TestMethod]
    public void LearningRateStepsFlagIsReadAsIncreasingEpochs()
    {
        var options = Commands.ParseTrainOptions(new Flags(["--lr-steps", "16, 24"], Commands.TrainFlags));
        CollectionAssert.AreEqual(new[] { 16, 24 }, options.LearningRateSteps.ToArray());
        Assert.AreEqual(0, Commands.ParseTrainOptions(new Flags([], Commands.TrainFlags)).LearningRateSteps.Count, "no flag: the plateau rule");
    }

    [TestMethod]
    public void LearningRateStepsOutOfOrderAreAUsageErrorNamingBothEpochs()
    {
        var (code, _, err) = Run("train", "--lr-steps", "24,16");
        Assert.AreEqual(2, code);
        StringAssert.Contains(err, "--lr-steps '24,16': the epochs must increase (24 then 16).");
    }

    [TestMethod]
    public void CosineFlagIsReadAsTheEpochsOfTheHalfCosine()
    {
        Assert.AreEqual(40, Commands.ParseTrainOptions(new Flags(["--cosine", "40", "--epochs", "40"], Commands.TrainFlags)).CosineEpochs);
        Assert.IsNull(Commands.ParseTrainOptions(new Flags([], Commands.TrainFlags)).CosineEpochs, "no flag: the plateau rule");
    }

    [TestMethod]
    public void CosineTogetherWithLearningRateStepsIsAUsageError()
    {
        var (code, _, err) = Run("train", "--cosine", "36", "--epochs", "36", "--lr-steps", "24,32");
        Assert.AreEqual(2, code);
        StringAssert.Contains(err, "--cosine and --lr-steps are two schedules; give one.");
    }

    [TestMethod]
    public void CosineShorterThanTheRunIsAUsageErrorSayingWhatToGive()
    {
        var (code, _, err) = Run("train", "--cosine", "30", "--epochs", "36");
        Assert.AreEqual(2, code);
        StringAssert.Contains(err, "--cosine 30 reaches ε = 0 after epoch 30; --epochs 36 would train on at 0. Give --cosine 36.");
    }

    [TestMethod]
    public void LabelSmoothingFlagIsOffByDefaultAndMustBeBelowOne()
    {
        Assert.AreEqual(0.0, Commands.ParseTrainOptions(new Flags([], Commands.TrainFlags)).LabelSmoothing, "the paper's loss");
        Assert.AreEqual(0.1, Commands.ParseTrainOptions(new Flags(["--label-smoothing", "0.1"], Commands.TrainFlags)).LabelSmoothing);
        var (code, _, err) = Run("train", "--label-smoothing", "1");
        Assert.AreEqual(2, code);
        StringAssert.Contains(err, "--label-smoothing must be at least 0 and below 1.");
    }

    [TestMethod]
    public void BatchNormFlagIsOffByDefaultAndReachesTheArchitecture()
    {
        Assert.IsFalse(Commands.ParseTrainOptions(new Flags([], Commands.TrainFlags)).Architecture(10, 1).BatchNorm, "the paper's net");
        Assert.IsTrue(Commands.ParseTrainOptions(new Flags(["--batch-norm"], Commands.TrainFlags)).Architecture(10, 1).BatchNorm);
    }

    [TestMethod]
    public void RandomErasingFlagIsOffByDefaultAndReadAsAProbability()
    {
        Assert.AreEqual(0.0, Commands.ParseTrainOptions(new Flags([], Commands.TrainFlags)).RandomErasing, "the paper's augmentations only");
        Assert.AreEqual(0.5, Commands.ParseTrainOptions(new Flags(["--random-erasing", "0.5"], Commands.TrainFlags)).RandomErasing);
    }

    [TestMethod]
    public void RandomErasingAboveOneIsAUsageError()
    {
        var (code, _, err) = Run("train", "--random-erasing", "1.5");
        Assert.AreEqual(2, code);
        StringAssert.Contains(err, "--random-erasing must be between 0 and 1.");
    }

    [TestMethod]
    public void WidthFlagReachesTheArchitecture()
    {
        var options = Commands.ParseTrainOptions(new Flags(["--width", "2"], Commands.TrainFlags));
        CollectionAssert.AreEqual(new[] { 128, 256, 384, 384, 256 }, Enumerable.Range(0, 5).Select(options.Architecture(10, 1).ConvOutChannels).ToArray());
        Assert.AreEqual(64, Commands.ParseTrainOptions(new Flags([], Commands.TrainFlags)).Architecture(10, 1).ConvOutChannels(0), "no flag: the preset's 64");
    }

    [TestMethod]
    public void NonPositiveWidthIsAUsageError()
    {
        var (code, _, err) = Run("train", "--width", "0");
        Assert.AreEqual(2, code);
        StringAssert.Contains(err, "--width must be positive.");
    }

    [TestMethod]
    public void ResizeSizeAndCropPaddingFlagsReachTheArchitecture()
    {
        var options = Commands.ParseTrainOptions(new Flags(["--resize-size", "28", "--crop-padding", "2"], Commands.TrainFlags));
        var architecture = options.Architecture(numClasses: 10, channels: 1);
        Assert.AreEqual(28, architecture.ResizeSize);
        Assert.AreEqual(2, architecture.CropPadding);
        Assert.AreEqual(32, architecture.PaddedSize);
    }

    [TestMethod]
    public void CropSizeFlagSetsTheCropAndTheResizeSideFollowsAtThePapersRatio()
    {
        var architecture = Commands.ParseTrainOptions(new Flags(["--crop-size", "32"], Commands.TrainFlags)).Architecture(10, 1);
        Assert.AreEqual(32, architecture.InputSize);
        Assert.AreEqual(36, architecture.ResizeSize, "32 × 256 / 227, rounded");
        CollectionAssert.AreEqual(new[] { 15, 7, 7, 7, 3 }, architecture.StageSizes().ToArray());
        Assert.AreEqual(128 * 3 * 3, architecture.Fc6Inputs);
    }

    [TestMethod]
    public void CropSizeWithResizeSizeKeepsTheGivenResizeSide()
    {
        var options = Commands.ParseTrainOptions(new Flags(["--crop-size", "32", "--resize-size", "32", "--crop-padding", "2"], Commands.TrainFlags));
        var architecture = options.Architecture(numClasses: 10, channels: 1);
        Assert.AreEqual(32, architecture.InputSize);
        Assert.AreEqual(32, architecture.ResizeSize);
        Assert.AreEqual(36, architecture.PaddedSize);
    }

    [TestMethod]
    public void CropTooSmallForThePresetsPoolingIsAUsageErrorNamingTheLayer()
    {
        var (code, _, err) = Run("train", "--crop-size", "8");
        Assert.AreEqual(2, code);
        StringAssert.Contains(err, "8-px crops are too small for the small preset: Pooling after conv5 leaves no output at input 8.");
    }

    [TestMethod]
    public void CropSizeIsCheckedAgainstThePoolingInForce()
    {
        Assert.AreEqual(2, Run("train", "--crop-size", "10").Code, "3/2 pooling: 10 → 4 → 1 → nothing");
        var architecture = Commands.ParseTrainOptions(new Flags(["--crop-size", "10", "--no-overlapping-pooling"], Commands.TrainFlags)).Architecture(10, 1);
        CollectionAssert.AreEqual(new[] { 5, 2, 2, 2, 1 }, architecture.StageSizes().ToArray(), "2/2 pooling leaves a 1×1 map");
    }

    [TestMethod]
    public void ResumeOpensTheDataAtTheCheckpointsSizeWithoutTheSizeFlags()
    {
        var runDir = RepoPaths.NewTempFolder("cli-resume");
        string[] common = ["--data", RepoPaths.FashionMnist, "--run-dir", runDir, "--train-limit", "256", "--eval-limit", "64",
                           "--no-ten-crop", "--no-export"];
        var (first, _, firstErr) = Run(["train", "--resize-size", "28", "--crop-padding", "2", "--epochs", "1", .. common]);
        Assert.AreEqual(0, first, firstErr);

        var (resumed, _, err) = Run("train", "--run-dir", runDir, "--resume", "--epochs", "2");

        Assert.AreEqual(0, resumed, err);
        StringAssert.Contains(err, "256 train, 64 validation");
        Assert.AreEqual(3, File.ReadAllLines(Path.Combine(runDir, "metrics.csv")).Length, "header + epochs 1 and 2");
    }

    [TestMethod]
    public void LrnAlphaFlagReachesTheArchitecture()
    {
        var options = Commands.ParseTrainOptions(new Flags(["--lrn-alpha", "6.5"], Commands.TrainFlags));
        Assert.AreEqual(6.5, options.Architecture(numClasses: 10, channels: 1).Lrn!.Alpha);
        Assert.AreEqual(1e-4, Commands.ParseTrainOptions(new Flags([], Commands.TrainFlags)).Architecture(10, 1).Lrn!.Alpha);
    }

    [TestMethod]
    public void NonPositiveLrnAlphaIsAUsageError()
    {
        var (code, _, err) = Run("train", "--lrn-alpha", "0");
        Assert.AreEqual(2, code);
        StringAssert.Contains(err, "--lrn-alpha must be positive.");
    }

    [TestMethod]
    public void TrainHelpListsEverySection5Knob()
    {
        var (code, text, _) = Run("train", "--help");
        Assert.AreEqual(0, code);
        foreach (var flag in new[] { "--batch-size", "--lr", "--momentum", "--weight-decay", "--max-lr-drops", "--resume", "--devices" })
            StringAssert.Contains(text, flag);
    }
}
