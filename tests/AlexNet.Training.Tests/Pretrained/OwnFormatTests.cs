using System.Runtime.InteropServices;
using AlexNet.Onnx.Model;
using AlexNet.Training.Data;
using AlexNet.Training.Export;
using AlexNet.Training.Model;
using AlexNet.Training.Pretrained;
using AlexNet.Training.Training;
using static TorchSharp.torch;

namespace AlexNet.Training.Tests.Pretrained;

/// <summary>Our own files start a run too: a model.onnx from our export (towers split back) and a checkpoint.</summary>
[TestClass]
public sealed class OwnFormatTests
{
    private static readonly AlexNetArchitecture TwoTowers = AlexNetArchitecture.Small(numClasses: 10, inputChannels: 1);

    private static AlexNetModel Model(AlexNetArchitecture arch, int seed)
    {
        random.manual_seed(seed);
        return new AlexNetModel(arch);
    }

    private static float[] Values(Tensor t) => t.detach().cpu().data<float>().ToArray();

    private static bool BitEqual(float[] a, float[] b) => MemoryMarshal.AsBytes(a.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(b.AsSpan()));

    private static string ExportOnnx(AlexNetModel model)
    {
        var a = model.Architecture;
        var path = Path.Combine(RepoPaths.NewTempFolder("pretrained-onnx"), "model.onnx");
        var mean = new MeanImage(a.InputChannels, a.ResizeSize, new float[a.InputChannels * a.ResizeSize * a.ResizeSize]);
        ModelExport.Write(model, mean, 1.0 / 255, [.. Enumerable.Range(0, a.NumClasses).Select(i => $"class {i}")], path);
        return path;
    }

    private static float[] Logits(AlexNetModel model, Tensor x)
    {
        model.eval();
        using var _ = no_grad();
        return Values(model.forward(x));
    }

    private static void AssertSameState(AlexNetModel expected, AlexNetModel actual)
    {
        var theirs = actual.NamedState().ToDictionary(s => s.Name, s => Values(s.Tensor));
        foreach (var (name, t) in expected.NamedState())
            Assert.IsTrue(BitEqual(Values(t), theirs[name]), $"{name} differs");
    }

    // Fresh batch norm is the identity up to eps; give every layer statistics of its own so that they must travel.
    private static void ScrambleNorms(AlexNetModel model)
    {
        using var _ = no_grad();
        foreach (var bn in model.Towers.SelectMany(t => t.Norms))
        {
            bn.running_mean!.copy_(randn_like(bn.running_mean!) * 0.3);
            bn.running_var!.copy_(rand_like(bn.running_var!) * 2 + 0.1);
            bn.weight!.copy_(rand_like(bn.weight!) + 0.5);
            bn.bias!.copy_(randn_like(bn.bias!) * 0.2);
        }
    }

    [TestMethod]
    public void OurOnnxExportStartsATwoTowerModelWithTheSameTensorsAndLogits()
    {
        using var original = Model(TwoTowers, seed: 3);
        var path = ExportOnnx(original);
        using var fresh = Model(TwoTowers, seed: 4);
        fresh.PlaceTowers([CPU, CPU]); // towers apart: the copy goes into each tower's own parameters

        var report = PretrainedStart.Load(fresh, path);

        AssertSameState(original, fresh);
        random.manual_seed(9);
        using var x = randn(4, 1, TwoTowers.InputSize, TwoTowers.InputSize);
        var expected = Logits(original, x);
        var actual = Logits(fresh, x);
        float diff = expected.Zip(actual, (a, b) => Math.Abs(a - b)).Max();
        Console.WriteLine($"max |fresh - original| = {diff:E2}, logit range {expected.Min():F4} .. {expected.Max():F4}");
        Assert.IsLessThanOrEqualTo(1e-4f, diff);
        Assert.AreEqual(WeightFormat.Onnx, report.Format);
        Assert.HasCount(original.NamedState().Count(), report.Loaded);
        CollectionAssert.Contains(report.Loaded.ToList(), "towers.1.conv5.weight");
        Assert.IsEmpty(report.InitialisedAfresh);
        Assert.IsEmpty(report.Unused, "the LRN band constants are graph constants, not weights");
    }

    [TestMethod]
    public void OnnxFileCannotStartABatchNormModelAndSaysWhy()
    {
        using var original = Model(TwoTowers, seed: 3);
        var path = ExportOnnx(original);
        using var withNorm = Model(TwoTowers with { BatchNorm = true }, seed: 4);

        var e = Assert.ThrowsExactly<InvalidDataException>(() => PretrainedStart.Load(withNorm, path));

        Console.WriteLine(e.Message);
        StringAssert.StartsWith(e.Message, path);
        StringAssert.Contains(e.Message, "it lacks towers.0.bn1.weight, which the model needs as [32]");
        StringAssert.Contains(e.Message, "The export folds batch norm into the convs, so a model.onnx has no bn* tensors");
    }

    [TestMethod]
    public void CheckpointStartsAFreshModelWithTheSameTensorsAndLogitsBatchNormStatisticsIncluded()
    {
        var arch = TwoTowers with { BatchNorm = true };
        using var original = Model(arch, seed: 3);
        ScrambleNorms(original);
        var path = Path.Combine(RepoPaths.NewTempFolder("pretrained-ckpt"), "checkpoint.ckpt");
        var stored = original.NamedState().Select(s => KeyValuePair.Create("model." + s.Name, new StoredTensor(s.Tensor.shape, Values(s.Tensor))))
            .Append(KeyValuePair.Create("velocity.fc8.weight", new StoredTensor([10, 1024], new float[10 * 1024])))
            .Append(KeyValuePair.Create("data.mean", new StoredTensor([1, 32, 32], new float[32 * 32])));
        Checkpoint.Save(path, new { Note = "written by the test" }, stored);
        using var fresh = Model(arch, seed: 4);

        var report = PretrainedStart.Load(fresh, path);

        AssertSameState(original, fresh);
        random.manual_seed(9);
        using var x = randn(4, 1, arch.InputSize, arch.InputSize);
        float diff = Logits(original, x).Zip(Logits(fresh, x), (a, b) => Math.Abs(a - b)).Max();
        Console.WriteLine($"max |fresh - original| = {diff:E2}");
        Assert.IsLessThanOrEqualTo(1e-4f, diff);
        Assert.AreEqual(WeightFormat.Checkpoint, report.Format);
        CollectionAssert.Contains(report.Loaded.ToList(), "towers.1.bn5.running_var");
        Assert.IsEmpty(report.Unused, "velocity.* and data.* are the old run's, not weights");
    }

    [TestMethod]
    public void HeadTrainedOnOtherClassesOfTheSameCountStartsAfreshAndIsReported()
    {
        using var original = Model(TwoTowers, seed: 3);
        var path = ExportOnnx(original);   // its head scores "class 0" … "class 9"
        using var fresh = Model(TwoTowers, seed: 4);
        var freshHead = Values(fresh.Fc8.weight!);
        string[] otherClasses = ["T-shirt", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

        var report = PretrainedStart.Load(fresh, path, otherClasses);

        Assert.IsTrue(BitEqual(freshHead, Values(fresh.Fc8.weight!)), "fc8 keeps its fresh initialisation");
        Assert.IsTrue(BitEqual(Values(original.Towers[1].Convs[4].weight!), Values(fresh.Towers[1].Convs[4].weight!)), "the features are copied");
        const string reason = "the file's head was trained on other classes (class 0, class 1, class 2, class 3, … 10 in all) than this run's (T-shirt, Trouser, Pullover, Dress, … 10 in all)";
        CollectionAssert.AreEqual(new[] { $"fc8.weight: {reason}", $"fc8.bias: {reason}" }, report.InitialisedAfresh.Select(n => n.ToString()).ToArray());
    }

    [TestMethod]
    public void HeadTrainedOnTheSameClassesIsCopied()
    {
        using var original = Model(TwoTowers, seed: 3);
        var path = ExportOnnx(original);
        using var fresh = Model(TwoTowers, seed: 4);

        var report = PretrainedStart.Load(fresh, path, [.. Enumerable.Range(0, 10).Select(i => $"class {i}")]);

        Assert.IsTrue(BitEqual(Values(original.Fc8.weight!), Values(fresh.Fc8.weight!)));
        Assert.IsEmpty(report.InitialisedAfresh);
    }

    [TestMethod]
    public void CheckpointNamesTheClassesOfItsHead()
    {
        using var original = Model(TwoTowers, seed: 3);
        var path = Path.Combine(RepoPaths.NewTempFolder("pretrained-ckpt-classes"), "checkpoint.ckpt");
        Checkpoint.Save(path, new { ClassNames = new[] { "cat", "dog" } },
            original.NamedState().Select(s => KeyValuePair.Create("model." + s.Name, new StoredTensor(s.Tensor.shape, Values(s.Tensor)))));

        CollectionAssert.AreEqual(new[] { "cat", "dog" }, WeightFile.Read(path).ClassNames!.ToArray());
    }

    [TestMethod]
    public void HeadMissingFromTheFileStaysFreshAndIsReported()
    {
        using var original = Model(TwoTowers, seed: 3);
        var tensors = original.NamedState().Where(s => !s.Name.StartsWith("fc8.", StringComparison.Ordinal))
            .ToDictionary(s => s.Name, s => new StoredTensor(s.Tensor.shape, Values(s.Tensor)));
        using var fresh = Model(TwoTowers, seed: 4);
        var freshHead = Values(fresh.Fc8.weight!);

        var report = PretrainedStart.Load(fresh, new WeightFile("features-only.safetensors", WeightFormat.Safetensors, tensors));

        Assert.IsTrue(BitEqual(freshHead, Values(fresh.Fc8.weight!)));
        CollectionAssert.AreEqual(new[] { "fc8.weight: the file has no fc8.weight", "fc8.bias: the file has no fc8.bias" },
            report.InitialisedAfresh.Select(n => n.ToString()).ToArray());
    }

    [TestMethod]
    public void SkippedIntegerBuffersAndForeignTensorsAreReportedAsUnused()
    {
        using var original = Model(TwoTowers, seed: 3);
        var tensors = original.NamedState().ToDictionary(s => s.Name, s => new StoredTensor(s.Tensor.shape, Values(s.Tensor)));
        tensors["aux.weight"] = new StoredTensor([2], [1, 2]);
        var file = new WeightFile("extra.pth", WeightFormat.PyTorchZip, tensors,
            [new("towers.0.bn1.num_batches_tracked", "batch norm's step counter (int64), not a weight")]);
        using var fresh = Model(TwoTowers, seed: 4);

        var report = PretrainedStart.Load(fresh, file);

        CollectionAssert.AreEqual(new[]
        {
            "aux.weight: the model has no tensor of this name",
            "towers.0.bn1.num_batches_tracked: batch norm's step counter (int64), not a weight",
        }, report.Unused.Select(n => n.ToString()).ToArray());
    }

    [TestMethod]
    public void ReportIsWrittenIntoTheRunFolderAsInitFromTxt()
    {
        using var original = Model(TwoTowers, seed: 3);
        var path = ExportOnnx(original);
        using var fresh = Model(TwoTowers, seed: 4);
        var report = PretrainedStart.Load(fresh, path);
        var runDir = RepoPaths.NewTempFolder("pretrained-run");

        var written = report.WriteTo(runDir);

        Assert.AreEqual(Path.Combine(runDir, "init-from.txt"), written);
        var text = File.ReadAllText(written);
        Assert.AreEqual(report.ToString(), text);
        StringAssert.StartsWith(text, $"init-from: {path} (model.onnx from our export, our names)\n30 loaded, 0 initialised afresh, 0 unused in the file\nloaded:\n  towers.0.conv1.weight\n");
        CollectionAssert.AreEqual(new[] { "init-from.txt" }, Directory.GetFiles(runDir).Select(Path.GetFileName).ToArray(), "no temporary file left behind");
    }
}
