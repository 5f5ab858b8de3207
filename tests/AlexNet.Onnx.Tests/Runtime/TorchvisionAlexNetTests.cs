using AlexNet.Onnx.Metadata;
using AlexNet.Onnx.Runtime;
using AlexNet.Onnx.Tests.Support;

namespace AlexNet.Onnx.Tests.Runtime;

/// <summary>A foreign AlexNet, exported by PyTorch itself, runs through the same API with explicit settings.</summary>
[TestClass]
public sealed class TorchvisionAlexNetTests
{
    [TestMethod]
    public void PyTorchExportScoresLikePyTorchWithExplicitSettings()
    {
        SystemPython.Require("torchvision", "python3-torchvision");
        SystemPython.Require("onnx", "python3-onnx");
        using var folder = new TempFolder();
        var path = folder.File("torchvision_alexnet.onnx");
        var crops = TestModels.RandomCrops(2, 3 * 224 * 224, seed: 11);
        RawFloats.Write(folder.File("input.f32"), crops);
        SystemPython.RunScript("export_torchvision_alexnet.py", path, folder.File("input.f32"), folder.File("logits.f32"));
        var expected = RawFloats.Read(folder.File("logits.f32"));
        var settings = new ModelMetadata
        {
            Labels = [], InputSize = 224, ResizeSize = 256, InputChannels = 3, PixelScale = 1f / 255,
            Mean = PixelMean.PerChannel(0.485f, 0.456f, 0.406f), ChannelStd = [0.229f, 0.224f, 0.225f],
        };

        var model = ModelFile.Open(path, settings);
        using var scorer = new BatchScorer(model);
        var scores = scorer.Score(crops);

        Assert.AreEqual("image", model.InputName);
        Assert.AreEqual("output", model.LogitsName);
        Assert.IsNull(model.ProbabilitiesName);
        Assert.AreEqual(1000, model.NumClasses);
        Assert.IsGreaterThan(0.01f, expected.Max() - expected.Min(), "logits are nearly constant, the comparison would prove little");
        float diff = RawFloats.MaxAbsDiff(expected, scores.Logits);
        Console.WriteLine($"max |ORT - PyTorch| = {diff:E2}, logit range {expected.Min():F3} .. {expected.Max():F3}");
        Assert.IsLessThanOrEqualTo(1e-4f, diff, $"max |ORT - PyTorch| = {diff}");
        Assert.AreEqual(1.0, scores.ProbabilitiesOf(1).ToArray().Sum(), 1e-5);
    }
}
