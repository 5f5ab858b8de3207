using AlexNet.Onnx.Model;

namespace AlexNet.Cli.Tests;

/// <summary>--init-from, --freeze, --head-lr and the torchvision preset on the train command line.</summary>
[TestClass]
public sealed class FineTuningFlagTests
{
    [TestMethod]
    public void FineTuningFlagsReachTheFineTuningOptions()
    {
        var start = Path.Combine(Cli.Scratch("cli-init-from"), "alexnet-owt.pth");
        File.WriteAllBytes(start, [1]);
        var o = Cli.Train("--preset", "torchvision", "--init-from", start, "--freeze", "conv1-conv3,fc6", "--head-lr", "0.01", "--lr", "0.001");
        Assert.AreEqual(start, o.FineTuning.InitFrom);
        CollectionAssert.AreEqual(new[] { "conv1-conv3", "fc6" }, o.FineTuning.Freeze.ToArray());
        Assert.AreEqual(0.01, o.FineTuning.HeadLearningRate);
        Assert.AreEqual(0.001, o.Optimisation.LearningRate);
    }

    [TestMethod]
    public void TorchvisionPresetBuildsTorchvisionsOneTowerNetOnNormalisedPixels()
    {
        var o = Cli.Train("--preset", "torchvision");
        var a = o.BuildArchitecture(numClasses: 7, channels: 3);
        Assert.AreEqual(1, a.Towers);
        Assert.AreEqual(224, a.InputSize);
        Assert.AreEqual(ChannelStatistics.ImageNet, a.ChannelStatistics);
        Assert.AreEqual(1.0 / 255, o.EffectivePixelScale, "ImageNet statistics are on the 0–1 scale");
    }

    [TestMethod]
    public void AnUnknownPresetIsAUsageErrorListingThePresets()
    {
        StringAssert.Contains(Cli.UsageError("--preset", "vgg"), "must be paper, small or torchvision");
    }

    [TestMethod]
    public void ResumeWithInitFromIsAUsageErrorSayingTheyAreDifferentThings()
    {
        var run = Cli.Scratch("cli-resume-init");
        var err = Cli.UsageError("--run-dir", run, "--resume", "--init-from", Path.Combine(run, "model.onnx"));
        StringAssert.Contains(err, "--resume continues this run from its own checkpoint (weights, velocities, step); --init-from starts a new run from another file's weights.");
    }

    [TestMethod]
    public void AFreezeListNamingNoLayerIsAUsageErrorListingTheLayers()
    {
        StringAssert.Contains(Cli.UsageError("--freeze", "conv6"), "--freeze: 'conv6' in 'conv6' is not a layer; use conv1, conv2, conv3, conv4, conv5, fc6, fc7, fc8");
    }

    [TestMethod]
    public void AMissingInitFromFileIsAUsageErrorNamingIt()
    {
        StringAssert.Contains(Cli.UsageError("--init-from", "/nonexistent/alexnet.pth"), "--init-from: '/nonexistent/alexnet.pth' does not exist.");
    }
}
