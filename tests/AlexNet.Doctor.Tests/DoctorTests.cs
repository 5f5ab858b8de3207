using System.Runtime.InteropServices;
using AlexNet.Onnx.Diagnostics;

namespace AlexNet.Doctor.Tests;

[TestClass]
public sealed class DoctorTests
{
    private const string CudaWorksHere = "CUDA works on this machine; the failure report needs a machine without it.";

    [TestMethod]
    public void ReportsOnnxCudaUnusableNamingTheMissingLibrariesAndWhatToInstall()
    {
        if (DoctorRun.CudaWorks()) Assert.Inconclusive(CudaWorksHere);
        var onnx = DoctorRun.Of("--json").Json.GetProperty("onnxRuntime");
        var device = onnx.GetProperty("devices")[0];
        // The libraries the report lists as missing (each checked against the loader by the next test), less cuDNN,
        // which the provider opens only when a model runs.
        var missing = onnx.GetProperty("cudaLibraries").EnumerateArray()
            .Where(l => !l.GetProperty("found").GetBoolean()).Select(l => l.GetProperty("name").GetString()!)
            .Where(n => !n.StartsWith("libcudnn", StringComparison.Ordinal)).ToList();

        Assert.AreEqual(0, device.GetProperty("deviceId").GetInt32());
        Assert.IsFalse(device.GetProperty("usable").GetBoolean());
        Assert.IsFalse(onnx.GetProperty("cudaUsable").GetBoolean());
        Assert.IsNotEmpty(missing, "CUDA is unusable here although every library the provider links loads; this test expects a missing one");
        Assert.AreEqual($"ONNX Runtime's CUDA provider cannot load: {string.Join(", ", missing)} {(missing.Count == 1 ? "is" : "are")} missing",
            device.GetProperty("problem").GetString());
        var remedy = device.GetProperty("remedy").GetString()!;
        StringAssert.StartsWith(remedy, "install ");
        foreach (var name in missing) StringAssert.Contains(remedy, CudaLibraries.ProvidedBy(name), name);
    }

    [TestMethod]
    public void ListsEachCudaLibraryAsTheLoaderFindsItWithItsPackage()
    {
        var libraries = DoctorRun.Of("--json").Json.GetProperty("onnxRuntime").GetProperty("cudaLibraries").EnumerateArray()
            .ToDictionary(l => l.GetProperty("name").GetString()!, l => l);

        // ONNX Runtime 1.31's CUDA provider links CUDA 13's runtime and cuBLAS; found or not is this machine's loader's answer.
        CollectionAssert.IsSubsetOf(new[] { "libcudart.so.13", "libcublasLt.so.13", "libcuda.so.1", "libcudnn.so.9" }, libraries.Keys.ToList());
        foreach (var (name, library) in libraries)
            Assert.AreEqual(LoaderFinds(name), library.GetProperty("found").GetBoolean(), name);
        Assert.AreEqual("the CUDA 13 runtime (cuda-cudart-13-x)", libraries["libcudart.so.13"].GetProperty("providedBy").GetString());
        StringAssert.Contains(libraries["libcublasLt.so.13"].GetProperty("providedBy").GetString(), "cuBLAS for CUDA 13");
        StringAssert.Contains(libraries["libcudnn.so.9"].GetProperty("providedBy").GetString(), "cuDNN 9");
        Assert.AreEqual("the NVIDIA driver", libraries["libcuda.so.1"].GetProperty("providedBy").GetString());
    }

    [TestMethod]
    public void ExitsNonZeroWhenCudaIsRequiredAndSaysWhy()
    {
        if (DoctorRun.CudaWorks()) Assert.Inconclusive(CudaWorksHere);
        var problem = DoctorRun.Of("--json").Json.GetProperty("onnxRuntime").GetProperty("devices")[0].GetProperty("problem").GetString();
        var run = DoctorRun.Of("--require", "cuda");

        Assert.AreEqual(1, run.ExitCode);
        StringAssert.Contains(run.Output, $"onnx:cuda       NOT usable: {problem}\n");
        StringAssert.Contains(run.Output, "torch:cuda      NOT usable: this app was built with TorchSharp-cpu");
        StringAssert.Contains(run.Output, "NOT OK: 2 of 2 requirement(s)");
        // Only the stack asked for decides: ONNX Runtime's CUDA alone fails, its CPU alone passes.
        Assert.AreEqual(1, DoctorRun.Of("--require", "onnx:cuda:0").ExitCode);
        Assert.AreEqual(0, DoctorRun.Of("--require", "onnx:cpu").ExitCode);
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
    public void AnUnknownRequirementIsAUsageError()
    {
        Assert.AreEqual(2, AlexNet.Cli.AlexNetCommand.Run(["doctor", "--require", "tpu"]));
    }

    [TestMethod]
    public void ReportsTheCompatibilityStepOfTheLoadedLibTorchSharp()
    {
        var torch = DoctorRun.Of("--json").Json.GetProperty("torchSharp");
        var patch = torch.GetProperty("patch");
        var libstdcxx = SystemDiagnostics.LibstdcxxPath();
        Assert.IsNotNull(libstdcxx, "no libstdc++.so.6 on this machine");
        bool systemHasIt = Readelf.DefinedVersions(libstdcxx).Contains("GLIBCXX_3.4.32");

        Assert.IsTrue(torch.GetProperty("loaded").GetBoolean());
        StringAssert.StartsWith(torch.GetProperty("torchVersion").GetString(), "2.10");
        Assert.AreEqual("cpu", torch.GetProperty("backend").GetString());
        Assert.AreEqual(systemHasIt, patch.GetProperty("systemProvides").GetBoolean());
        Assert.AreEqual(systemHasIt ? "systemProvides" : "applied", patch.GetProperty("state").GetString());
        StringAssert.EndsWith(patch.GetProperty("libraryPath").GetString(), "/libLibTorchSharp.so");
    }

    private static bool LoaderFinds(string soname)
    {
        if (!NativeLibrary.TryLoad(soname, out var handle)) return false;
        NativeLibrary.Free(handle);
        return true;
    }
}
