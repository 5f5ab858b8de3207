using System.Diagnostics;
using System.Runtime.InteropServices;
using AlexNet.Onnx.Model;
using AlexNet.Training.Pretrained;

namespace AlexNet.Training.Tests.Pretrained;

/// <summary>
/// The PyTorch files the pretrained-start tests read, written once per test process by Debian's python3-torch and
/// python3-torchvision (Pretrained/Python/state_dicts.py): torchvision's AlexNet with seeded random weights in the zip,
/// legacy and safetensors formats, an input batch with PyTorch's logits, and a small dict of other dtypes. Tests that need them are inconclusive, naming the package, where the system Python lacks it.
/// </summary>
internal static class TorchReference
{
    private const string Interpreter = "/usr/bin/python3";
    // Importing torch takes seconds, so the check runs once per process; null when both modules import.
    private static readonly Lazy<string?> Missing = new(() => Lacks("torch", "python3-torch") ?? Lacks("torchvision", "python3-torchvision"));
    private static readonly Lazy<string> Written = new(Write);
    private static readonly Lazy<WeightFile> ZipRead = new(() => WeightFile.Read(File("alexnet.pth")));

    /// <summary>The folder holding the files; runs the script on first use.</summary>
    public static string Folder
    {
        get
        {
            if (Missing.Value is { } why) Assert.Inconclusive(why);
            return Written.Value;
        }
    }

    /// <summary>alexnet.pth as read once per process (244 MB of tensors), for tests that edit it in memory.</summary>
    public static WeightFile TorchvisionZip
    {
        get
        {
            _ = Folder;
            return ZipRead.Value;
        }
    }

    /// <summary>One of the files.</summary>
    public static string File(string name) => Path.Combine(Folder, name);

    /// <summary>A raw float32 file the script wrote.</summary>
    public static float[] Floats(string name) => MemoryMarshal.Cast<byte, float>(System.IO.File.ReadAllBytes(File(name))).ToArray();

    /// <summary>torchvision's AlexNet as our architecture: one tower, no LRN, torchvision's sizes. At 224 px conv5
    /// pools to 6×6, so torchvision's adaptive average pool is the identity and the eval-mode forward is torchvision's.</summary>
    public static AlexNetArchitecture TorchvisionArchitecture(int classes = 1000) => new()
    {
        Preset = "torchvision",
        Towers = 1,
        InputChannels = 3,
        NumClasses = classes,
        InputSize = 224,
        ResizeSize = 256,
        Lrn = null,
        Convs =
        [
            new("conv1", 64, 11, 4, 2, ReadsBothTowers: false, LocalResponseNorm: false, MaxPool: true),
            new("conv2", 192, 5, 1, 2, ReadsBothTowers: false, LocalResponseNorm: false, MaxPool: true),
            new("conv3", 384, 3, 1, 1, ReadsBothTowers: true, LocalResponseNorm: false, MaxPool: false),
            new("conv4", 256, 3, 1, 1, ReadsBothTowers: false, LocalResponseNorm: false, MaxPool: false),
            new("conv5", 256, 3, 1, 1, ReadsBothTowers: false, LocalResponseNorm: false, MaxPool: true),
        ],
        FullyConnectedPerTower = [4096, 4096],
    };

    private static string? Lacks(string module, string debianPackage)
    {
        if (!System.IO.File.Exists(Interpreter))
            return $"{Interpreter} is missing; install python3 and {debianPackage} (apt-get install -y {debianPackage}).";
        var (code, _, error) = Run(["-c", $"import {module}"]);
        return code == 0 ? null
            : $"{Interpreter} cannot import {module}; install the Debian package {debianPackage} (apt-get install -y {debianPackage}). {error.Trim()}";
    }

    private static string Write()
    {
        var folder = RepoPaths.NewTempFolder("pretrained");
        var (code, _, error) = Run([Path.Combine(AppContext.BaseDirectory, "Pretrained", "Python", "state_dicts.py"), folder]);
        if (code != 0) throw new AssertFailedException($"state_dicts.py exited with {code}: {error}");
        return folder;
    }

    private static (int Code, string Output, string Error) Run(string[] args)
    {
        var start = new ProcessStartInfo(Interpreter) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, output.Result, error.Result);
    }
}
