using System.Text.RegularExpressions;

namespace AlexNet.Doctor.Tests;

[TestClass]
public sealed class DoctorTests
{
    [TestMethod]
    public void ReportsOnnxCudaUnusableNamingTheMissingLibraryAndWhatToInstall()
    {
        if (DoctorRun.CudaWorks()) Assert.Inconclusive("CUDA works here; the failure report needs a machine without it.");
        var device = DoctorRun.Of("--json").Json.GetProperty("onnxRuntime").GetProperty("devices")[0];

        Assert.AreEqual(0, device.GetProperty("deviceId").GetInt32());
        Assert.IsFalse(device.GetProperty("usable").GetBoolean());
        var problem = device.GetProperty("problem").GetString()!;
        Assert.IsTrue(Regex.IsMatch(problem, @"lib\w+\.so\.\d+ .*missing"), problem);
        StringAssert.StartsWith(device.GetProperty("remedy").GetString(), "install ");
    }

    [TestMethod]
    public void ListsEachMissingCudaLibraryWithItsPackage()
    {
        if (DoctorRun.CudaWorks()) Assert.Inconclusive("CUDA works here.");
        var libraries = DoctorRun.Of("--json").Json.GetProperty("onnxRuntime").GetProperty("cudaLibraries").EnumerateArray()
            .ToDictionary(l => l.GetProperty("name").GetString()!, l => l);

        // ONNX Runtime 1.31's CUDA provider links CUDA 13's runtime and cuBLAS; this machine has neither.
        Assert.IsFalse(libraries["libcudart.so.13"].GetProperty("found").GetBoolean());
        StringAssert.Contains(libraries["libcublasLt.so.13"].GetProperty("providedBy").GetString(), "cuBLAS for CUDA 13");
        StringAssert.Contains(libraries["libcudnn.so.9"].GetProperty("providedBy").GetString(), "cuDNN 9");
        Assert.AreEqual("the NVIDIA driver", libraries["libcuda.so.1"].GetProperty("providedBy").GetString());
    }

    [TestMethod]
    public void ExitsNonZeroWhenCudaIsRequiredAndSaysWhy()
    {
        if (DoctorRun.CudaWorks()) Assert.Inconclusive("CUDA works here.");
        var run = DoctorRun.Of("--require", "cuda");

        Assert.AreEqual(1, run.ExitCode);
        StringAssert.Contains(run.Output, "onnx:cuda       NOT usable: ONNX Runtime's CUDA provider cannot load: libcublasLt.so.13");
        StringAssert.Contains(run.Output, "torch:cuda      NOT usable: this app was built with TorchSharp-cpu");
        StringAssert.Contains(run.Output, "NOT OK: 2 of 2 requirement(s)");
    }

    [TestMethod]
    public void ExitsZeroWhenCpuIsRequired()
    {
        var run = DoctorRun.Of("--require", "cpu");

        Assert.AreEqual(0, run.ExitCode, run.Output);
        StringAssert.Contains(run.Output, "torch:cpu       usable");
        StringAssert.Contains(run.Output, "onnx:cpu        usable");
    }

    [TestMethod]
    public void OnlyTheRequiredStackDecidesTheExitCode()
    {
        if (DoctorRun.CudaWorks()) Assert.Inconclusive("CUDA works here.");
        Assert.AreEqual(1, DoctorRun.Of("--require", "onnx:cuda:0").ExitCode);
        Assert.AreEqual(0, DoctorRun.Of("--require", "torch:cpu,onnx:cpu").ExitCode);
    }

    [TestMethod]
    public void AnUnknownRequirementIsAUsageError()
    {
        Assert.AreEqual(2, AlexNet.Cli.AlexNetCommand.Run(["doctor", "--require", "tpu"]));
    }

    [TestMethod]
    public void ReportsTheCompatibilityStepOfTheLoadedLibTorchSharp()
    {
        var torch = DoctorRun.Of("--json").Json.GetProperty("torchSharp");
        var patch = torch.GetProperty("patch");
        bool systemHasIt = File.ReadAllText("/usr/lib/x86_64-linux-gnu/libstdc++.so.6").Contains("GLIBCXX_3.4.32\0");

        Assert.IsTrue(torch.GetProperty("loaded").GetBoolean());
        StringAssert.StartsWith(torch.GetProperty("torchVersion").GetString(), "2.10");
        Assert.AreEqual("cpu", torch.GetProperty("backend").GetString());
        Assert.AreEqual(systemHasIt, patch.GetProperty("systemProvides").GetBoolean());
        Assert.AreEqual(systemHasIt ? "systemProvides" : "applied", patch.GetProperty("state").GetString());
        StringAssert.EndsWith(patch.GetProperty("libraryPath").GetString(), "/libLibTorchSharp.so");
    }
}
