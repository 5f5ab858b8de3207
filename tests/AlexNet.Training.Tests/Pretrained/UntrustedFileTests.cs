using AlexNet.Training.Data;
using AlexNet.Training.Export;
using AlexNet.Training.Model;
using AlexNet.Training.Pretrained;
using AlexNet.Onnx.Model;
using static TorchSharp.torch;

namespace AlexNet.Training.Tests.Pretrained;

/// <summary>
/// Weight files from the internet are untrusted: a pickle that names a global outside what torch.save writes for
/// tensors and containers is refused by name, as torch.load(weights_only=True) refuses it, in the zip and the legacy
/// reader alike; a tensor holding NaN or infinity is refused at load in every format, naming the tensor and the count.
/// The files are written by Debian's python3-torch (Pretrained/Python/untrusted.py).
/// </summary>
[TestClass]
public sealed class UntrustedFileTests
{
    private static readonly Lazy<string> Written = new(() =>
    {
        var (code, _, error) = SystemPython.Run(["-c", "import torch"]);
        if (code != 0) return "";
        var folder = RepoPaths.NewTempFolder("untrusted");
        (code, _, error) = SystemPython.Run([Path.Combine(AppContext.BaseDirectory, "Pretrained", "Python", "untrusted.py"), folder]);
        if (code != 0) throw new AssertFailedException($"untrusted.py exited with {code}: {error}");
        return folder;
    });

    private static string File(string name)
    {
        if (Written.Value.Length == 0) SystemPython.Require("torch", "python3-torch");
        return Path.Combine(Written.Value, name);
    }

    [TestMethod]
    [DataRow("system_call.pth", "posix.system", DisplayName = "zip format, os.system")]
    [DataRow("system_call_legacy.pth", "posix.system", DisplayName = "legacy format, os.system")]
    // Pickle protocol 2, torch.save's, names builtins by their Python 2 module, as the file does.
    [DataRow("eval_call.pth", "__builtin__.eval", DisplayName = "zip format, eval")]
    public void PickleNamingAGlobalOutsideTorchSavesSetIsRefusedByName(string name, string global)
    {
        var path = File(name);

        var e = Assert.ThrowsExactly<InvalidDataException>(() => WeightFile.Read(path));

        Console.WriteLine(e.Message);
        StringAssert.StartsWith(e.Message, $"{path}: refusing global {global} (pickle byte ");
        StringAssert.Contains(e.Message, "weights files may only name the classes and functions torch.save writes for tensors and containers");
    }

    [TestMethod]
    public void RefusedFileStartsNoModel()
    {
        // The same refusal through train --init-from's loader: nothing is copied, the call is not kept as "unused" data.
        var path = File("system_call.pth");
        using var model = new AlexNetModel(AlexNetArchitecture.Small(numClasses: 2, inputChannels: 1));

        var e = Assert.ThrowsExactly<InvalidDataException>(() => PretrainedStart.Load(model, path));

        StringAssert.StartsWith(e.Message, $"{path}: refusing global posix.system");
    }

    [TestMethod]
    [DataRow("non_finite.pth", DisplayName = "zip format")]
    [DataRow("non_finite_legacy.pth", DisplayName = "legacy format")]
    [DataRow("non_finite.safetensors", DisplayName = "safetensors")]
    public void TensorsHoldingNaNOrInfinityAreRefusedNamingEachAndItsCount(string name)
    {
        var path = File(name);

        var e = Assert.ThrowsExactly<InvalidDataException>(() => WeightFile.Read(path));

        Console.WriteLine(e.Message);
        StringAssert.StartsWith(e.Message,
            $"{path}: non-finite weights: 'conv.weight' holds 1 infinite value of 4; 'fc.weight' holds 2 NaN and 1 infinite value of 6. ");
        Assert.DoesNotContain("fc.bias", e.Message);
    }

    [TestMethod]
    public void OnnxInitializerHoldingNaNIsRefusedNamingTheTensor()
    {
        var arch = AlexNetArchitecture.Small(numClasses: 3, inputChannels: 1);
        using var model = new AlexNetModel(arch);
        using (no_grad())
        {
            var fc6 = model.NamedState().Single(s => s.Name == "towers.1.fc6.bias").Tensor;
            fc6[0] = float.NaN;
            fc6[5] = float.NaN;
        }
        var path = Path.Combine(RepoPaths.NewTempFolder("untrusted-onnx"), "model.onnx");
        var mean = new MeanImage(arch.InputChannels, arch.ResizeSize, new float[arch.InputChannels * arch.ResizeSize * arch.ResizeSize]);
        ModelExport.Write(model, mean, 1.0 / 255, ["a", "b", "c"], path);

        var e = Assert.ThrowsExactly<InvalidDataException>(() => WeightFile.Read(path));

        Console.WriteLine(e.Message);
        StringAssert.StartsWith(e.Message, $"{path}: non-finite weights: 'towers.1.fc6.bias' holds 2 NaN of {arch.FullyConnectedPerTower[0]}. ");
    }
}
