using System.Runtime.InteropServices;
using AlexNet.Training.Model;
using AlexNet.Training.Pretrained;
using AlexNet.Training.Training;
using static TorchSharp.torch;

namespace AlexNet.Training.Tests.Pretrained;

/// <summary>torchvision's AlexNet, saved by PyTorch itself, starts our one-tower model with torchvision's sizes.</summary>
[TestClass]
public sealed class TorchvisionStateDictTests
{
    private static AlexNetModel Fresh(int classes = 1000, int seed = 5)
    {
        random.manual_seed(seed);
        return new AlexNetModel(TorchReference.TorchvisionArchitecture(classes));
    }

    private static float[] Values(Tensor t) => t.detach().cpu().data<float>().ToArray();

    private static bool BitEqual(float[] a, float[] b) => MemoryMarshal.AsBytes(a.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(b.AsSpan()));

    [TestMethod]
    [DataRow("alexnet.pth", WeightFormat.PyTorchZip, DisplayName = "zip format")]
    [DataRow("alexnet_legacy.pth", WeightFormat.PyTorchLegacy, DisplayName = "legacy format")]
    [DataRow("alexnet.safetensors", WeightFormat.Safetensors, DisplayName = "safetensors")]
    public void TorchvisionStateDictGivesPyTorchsLogitsWithinOneInTenThousand(string file, WeightFormat format)
    {
        var path = TorchReference.File(file);
        var input = TorchReference.Floats("input.f32");
        var expected = TorchReference.Floats("logits.f32");
        using var model = Fresh();

        var report = PretrainedStart.Load(model, path);
        model.eval();
        float[] logits;
        using (no_grad())
        using (var x = tensor(input, [2, 3, 224, 224]))
            logits = Values(model.forward(x));

        Assert.AreEqual(format, report.Format);
        Assert.IsTrue(report.TorchvisionNames);
        Assert.HasCount(16, report.Loaded);
        Assert.IsEmpty(report.InitialisedAfresh);
        Assert.IsEmpty(report.Unused);
        Assert.AreEqual("features.6.weight", report.FileNames["towers.0.conv3.weight"]);
        Assert.IsGreaterThan(0.01f, expected.Max() - expected.Min(), "logits are nearly constant, the comparison would prove little");
        float diff = expected.Zip(logits, (a, b) => Math.Abs(a - b)).Max();
        Console.WriteLine($"{file}: max |ours - PyTorch| = {diff:E2} over {expected.Length} logits, range {expected.Min():F4} .. {expected.Max():F4}");
        Assert.HasCount(expected.Length, logits);
        Assert.IsLessThanOrEqualTo(1e-4f, diff, $"max |ours - PyTorch| = {diff}");
    }

    [TestMethod]
    public void TenClassModelKeepsItsFreshHeadAndGetsEveryOtherTensorBitForBit()
    {
        var path = TorchReference.File("alexnet.pth");
        using var model = Fresh(classes: 10);
        var freshHead = new[] { Values(model.Fc8.weight!), Values(model.Fc8.bias!) };

        var report = PretrainedStart.Load(model, path);

        var file = TorchReference.TorchvisionZip;
        Assert.IsTrue(BitEqual(freshHead[0], Values(model.Fc8.weight!)), "fc8.weight changed");
        Assert.IsTrue(BitEqual(freshHead[1], Values(model.Fc8.bias!)), "fc8.bias changed");
        foreach (var (name, t) in model.NamedState())
        {
            if (name.StartsWith("fc8.", StringComparison.Ordinal)) continue;
            Assert.IsTrue(BitEqual(file.Tensors[TorchvisionKeys.ToTorchvision(name)!].Data, Values(t)), $"{name} differs from the file");
        }
        Assert.HasCount(14, report.Loaded);
        CollectionAssert.AreEqual(new[] { "fc8.weight", "fc8.bias" }, report.InitialisedAfresh.Select(n => n.Name).ToArray());
        Assert.AreEqual("the file has [1000, 4096], this run has 10 classes ([10, 4096])", report.InitialisedAfresh[0].Reason);
        Assert.AreEqual("the file has [1000], this run has 10 classes ([10])", report.InitialisedAfresh[1].Reason);
        Assert.IsEmpty(report.Unused);
        StringAssert.Contains(report.ToString(), "14 loaded, 2 initialised afresh, 0 unused in the file");
        StringAssert.Contains(report.ToString(), "fc8.weight: the file has [1000, 4096], this run has 10 classes ([10, 4096])");
    }

    // alexnet.pth with conv2 cut to 128 kernels, as a file saved from a narrower net would have it.
    private static WeightFile WithConv2Of128Kernels()
    {
        var read = TorchReference.TorchvisionZip;
        var tensors = new Dictionary<string, StoredTensor>(read.Tensors)
        {
            ["features.3.weight"] = new([128, 64, 5, 5], new float[128 * 64 * 5 * 5]),
            ["features.3.bias"] = new([128], new float[128]),
        };
        return new WeightFile(read.Path, read.Format, tensors);
    }

    [TestMethod]
    public void Conv2WithAnotherKernelCountIsAnErrorNamingTheTensorAndBothShapes()
    {
        var file = WithConv2Of128Kernels();
        using var model = Fresh();

        var e = Assert.ThrowsExactly<InvalidDataException>(() => PretrainedStart.Load(model, file));

        Console.WriteLine(e.Message);
        StringAssert.StartsWith(e.Message, file.Path);
        StringAssert.Contains(e.Message, "towers.0.conv2.weight ('features.3.weight' in the file) is [128, 64, 5, 5] in the file, the model needs [192, 64, 5, 5]");
        StringAssert.Contains(e.Message, "towers.0.conv2.bias ('features.3.bias' in the file) is [128] in the file, the model needs [192]");
    }

    [TestMethod]
    public void FailedLoadLeavesTheModelAsItWas()
    {
        var file = WithConv2Of128Kernels();
        using var model = Fresh();
        var before = model.NamedState().Select(s => Values(s.Tensor)).ToList();

        Assert.ThrowsExactly<InvalidDataException>(() => PretrainedStart.Load(model, file));

        var after = model.NamedState().Select(s => Values(s.Tensor)).ToList();
        Assert.IsTrue(before.Zip(after).All(p => BitEqual(p.First, p.Second)), "a tensor was copied although the load failed");
    }

    [TestMethod]
    public void MissingTensorIsAnErrorNamingItAndTheFile()
    {
        var read = TorchReference.TorchvisionZip;
        var tensors = new Dictionary<string, StoredTensor>(read.Tensors);
        tensors.Remove("features.6.weight");
        using var model = Fresh();

        var e = Assert.ThrowsExactly<InvalidDataException>(() => PretrainedStart.Load(model, new WeightFile(read.Path, read.Format, tensors)));

        Console.WriteLine(e.Message);
        StringAssert.StartsWith(e.Message, read.Path);
        StringAssert.Contains(e.Message, "it lacks towers.0.conv3.weight (torchvision's 'features.6.weight'), which the model needs as [384, 192, 3, 3]");
    }

    [TestMethod]
    public void DataParallelModulePrefixIsRemoved()
    {
        var read = TorchReference.TorchvisionZip;
        var prefixed = new WeightFile(read.Path, read.Format, read.Tensors.ToDictionary(p => "module." + p.Key, p => p.Value));
        using var model = Fresh();

        var report = PretrainedStart.Load(model, prefixed);

        Assert.IsTrue(report.ModulePrefixRemoved);
        Assert.HasCount(16, report.Loaded);
        Assert.AreEqual("module.classifier.6.bias", report.FileNames["fc8.bias"]);
        Assert.IsTrue(BitEqual(read.Tensors["classifier.6.bias"].Data, Values(model.Fc8.bias!)));
    }
}
