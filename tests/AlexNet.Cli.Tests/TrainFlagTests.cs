using AlexNet.Training.Model;
using AlexNet.Training.Training;

namespace AlexNet.Cli.Tests;

/// <summary>Each train flag lands on its knob of <see cref="TrainOptions"/> and, where it shapes the net, in the architecture.</summary>
[TestClass]
public sealed class TrainFlagTests
{
    [TestMethod]
    public void NoFlagsGiveTheOptionsRecordsDefaults()
    {
        var o = Cli.Train("--run-dir", "r");
        Assert.AreEqual(new TrainOptions() with { Runtime = o.Runtime }, o);
        Assert.AreEqual(new RuntimeOptions() with { RunDir = "r", Log = Console.Error }, o.Runtime);
    }

    [TestMethod]
    public void RunDirDefaultsToANewFolderNamedAfterThePresetAndTime()
    {
        StringAssert.Matches(Cli.Train("--preset", "paper").Runtime.RunDir, new System.Text.RegularExpressions.Regex(@"^runs/paper-\d{8}-\d{6}$"));
    }

    [TestMethod]
    public void DefaultScheduleIsThePapersPlateauRule()
    {
        Assert.AreEqual(new LearningRateSchedule.Plateau(Patience: 2, MaxDrops: 3), Cli.Train().Schedule.LearningRate);
    }

    [TestMethod]
    public void PlateauScheduleTakesPatienceAndMaxDrops()
    {
        Assert.AreEqual(new LearningRateSchedule.Plateau(Patience: 4, MaxDrops: 2), Cli.Train("--schedule", "plateau:4,2").Schedule.LearningRate);
        Assert.AreEqual(new LearningRateSchedule.Plateau(Patience: 5, MaxDrops: 3), Cli.Train("--schedule", "plateau:5").Schedule.LearningRate);
    }

    [TestMethod]
    public void StepsScheduleIsReadAsIncreasingEpochs()
    {
        Assert.AreEqual(new LearningRateSchedule.Steps([16, 24]), Cli.Train("--schedule", "steps:16,24").Schedule.LearningRate);
    }

    [TestMethod]
    public void CosineWithoutAPeriodRunsOverTheRunsEpochs()
    {
        Assert.AreEqual(new LearningRateSchedule.Cosine(36), Cli.Train("--schedule", "cosine", "--epochs", "36").Schedule.LearningRate);
        Assert.AreEqual(new LearningRateSchedule.Cosine(10), Cli.Train("--schedule", "cosine").Schedule.LearningRate, "the small preset's 10 epochs");
        Assert.AreEqual(new LearningRateSchedule.Cosine(40), Cli.Train("--schedule", "cosine:40", "--epochs", "36").Schedule.LearningRate);
    }

    [TestMethod]
    public void EpochsDefaultToThePresets()
    {
        Assert.AreEqual(10, Cli.Train().Epochs);
        Assert.AreEqual(90, Cli.Train("--preset", "paper").Epochs);
        Assert.AreEqual(3, Cli.Train("--preset", "paper", "--epochs", "3").Epochs);
    }

    [TestMethod]
    public void LabelSmoothingIsOffByDefaultAndReadAsAShare()
    {
        Assert.AreEqual(0.0, Cli.Train().Optimisation.LabelSmoothing, "the paper's loss");
        Assert.AreEqual(0.1, Cli.Train("--label-smoothing", "0.1").Optimisation.LabelSmoothing);
    }

    [TestMethod]
    public void BatchNormIsOffByDefaultAndReachesTheArchitecture()
    {
        Assert.IsFalse(Cli.Train().BuildArchitecture(10, 1).BatchNorm, "the paper's net");
        Assert.IsTrue(Cli.Train("--batch-norm").BuildArchitecture(10, 1).BatchNorm);
    }

    [TestMethod]
    public void NegatedSwitchTurnsAKnobOff()
    {
        Assert.IsNull(Cli.Train("--no-lrn").BuildArchitecture(10, 1).Lrn);
        Assert.IsFalse(Cli.Train("--no-augment").Augmentation.RandomCrops);
        Assert.IsFalse(Cli.Train("--no-export").Runtime.Export);
    }

    [TestMethod]
    public void TheBottleneckCacheIsOnByDefaultAndNoBottleneckCacheTurnsItOff()
    {
        Assert.IsTrue(Cli.Train().Runtime.BottleneckCache, "used whenever the frozen trunk allows it");
        Assert.IsFalse(Cli.Train("--no-bottleneck-cache").Runtime.BottleneckCache);
    }

    [TestMethod]
    public void MemoryFormatFlagChoosesTheActivationsLayout()
    {
        Assert.AreEqual(MemoryFormat.ChannelsLast, Cli.Train().Runtime.MemoryFormat, "the runtime options' default");
        Assert.AreEqual(MemoryFormat.Contiguous, Cli.Train("--memory-format", "contiguous").Runtime.MemoryFormat);
        Assert.AreEqual(MemoryFormat.ChannelsLast, Cli.Train("--memory-format", "channels-last").Runtime.MemoryFormat);
    }

    [TestMethod]
    public void RandomErasingIsOffByDefaultAndReadAsAProbability()
    {
        Assert.AreEqual(0.0, Cli.Train().Augmentation.RandomErasing, "the paper's augmentations only");
        Assert.AreEqual(0.5, Cli.Train("--random-erasing", "0.5").Augmentation.RandomErasing);
    }

    [TestMethod]
    public void WidthMultipliesEveryConvLayersKernels()
    {
        CollectionAssert.AreEqual(new[] { 128, 256, 384, 384, 256 }, Enumerable.Range(0, 5).Select(Cli.Train("--width", "2").BuildArchitecture(10, 1).ConvOutChannels).ToArray());
        Assert.AreEqual(64, Cli.Train().BuildArchitecture(10, 1).ConvOutChannels(0), "no flag: the preset's 64");
    }

    [TestMethod]
    public void ResizeSizeAndCropPaddingReachTheArchitecture()
    {
        var architecture = Cli.Train("--resize-size", "28", "--crop-padding", "2").BuildArchitecture(numClasses: 10, channels: 1);
        Assert.AreEqual(28, architecture.ResizeSize);
        Assert.AreEqual(2, architecture.CropPadding);
        Assert.AreEqual(32, architecture.PaddedSize);
    }

    [TestMethod]
    public void CropSizeSetsTheCropAndTheResizeSideFollowsAtThePapersRatio()
    {
        var architecture = Cli.Train("--crop-size", "32").BuildArchitecture(10, 1);
        Assert.AreEqual(32, architecture.InputSize);
        Assert.AreEqual(36, architecture.ResizeSize, "32 × 256 / 227, rounded");
        CollectionAssert.AreEqual(new[] { 15, 7, 7, 7, 3 }, architecture.StageSizes().ToArray());
        Assert.AreEqual(128 * 3 * 3, architecture.Fc6Inputs);
    }

    [TestMethod]
    public void CropSizeWithResizeSizeKeepsTheGivenResizeSide()
    {
        var architecture = Cli.Train("--crop-size", "32", "--resize-size", "32", "--crop-padding", "2").BuildArchitecture(numClasses: 10, channels: 1);
        Assert.AreEqual(32, architecture.InputSize);
        Assert.AreEqual(32, architecture.ResizeSize);
        Assert.AreEqual(36, architecture.PaddedSize);
    }

    [TestMethod]
    public void CropSizeIsCheckedAgainstThePoolingInForce()
    {
        Assert.AreEqual(2, Cli.Run("train", "--crop-size", "10").Code, "3/2 pooling: 10 → 4 → 1 → nothing");
        CollectionAssert.AreEqual(new[] { 5, 2, 2, 2, 1 }, Cli.Train("--crop-size", "10", "--no-overlapping-pooling").BuildArchitecture(10, 1).StageSizes().ToArray(),
            "2/2 pooling leaves a 1×1 map");
    }

    [TestMethod]
    public void LrnAlphaReachesTheArchitecture()
    {
        Assert.AreEqual(6.5, Cli.Train("--lrn-alpha", "6.5").BuildArchitecture(numClasses: 10, channels: 1).Lrn!.Alpha);
        Assert.AreEqual(1e-4, Cli.Train().BuildArchitecture(10, 1).Lrn!.Alpha);
    }

    [TestMethod]
    public void RuntimeFlagsReachTheRuntimeOptions()
    {
        var runtime = Cli.Train("--devices", "cpu,cpu", "--workers", "3", "--threads", "2", "--log-every", "5", "--max-steps", "7", "--no-ten-crop").Runtime;
        Assert.AreEqual(("cpu,cpu", 3, 2, 5, 7L, false), (runtime.Devices, runtime.Workers, runtime.Threads, runtime.LogEvery, runtime.MaxSteps, runtime.TenCropAtEnd));
    }
}
