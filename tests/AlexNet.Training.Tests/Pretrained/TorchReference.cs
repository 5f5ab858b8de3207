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

    /// <summary>torchvision's AlexNet: the torchvision preset.</summary>
    public static AlexNetArchitecture TorchvisionArchitecture(int classes = 1000) => AlexNetArchitecture.Torchvision(classes);

    private static string? Lacks(string module, string debianPackage)
    {
        if (!System.IO.File.Exists(Interpreter))
            return $"{Interpreter} is missing; install python3 and {debianPackage} (apt-get install -y {debianPackage}).";
        var (code, _, error) = SystemPython.Run(["-c", $"import {module}"]);
        return code == 0 ? null
            : $"{Interpreter} cannot import {module}; install the Debian package {debianPackage} (apt-get install -y {debianPackage}). {error.Trim()}";
    }

    private static string Write()
    {
        var folder = RepoPaths.NewTempFolder("pretrained");
        var (code, _, error) = SystemPython.Run([Path.Combine(AppContext.BaseDirectory, "Pretrained", "Python", "state_dicts.py"), folder]);
        if (code != 0) throw new AssertFailedException($"state_dicts.py exited with {code}: {error}");
        return folder;
    }
}
