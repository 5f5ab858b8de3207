using AlexNet.Onnx.Diagnostics;

namespace AlexNet.Doctor.Tests;

[TestClass]
public sealed class GpuCheckTests
{
    [ClassCleanup]
    public static void DeletePublishFolder() => PublishedGpuCheck.Delete();

    [TestMethod]
    public void PublishFolderIsSelfContained()
    {
        var folder = PublishedGpuCheck.Folder;

        Assert.IsTrue(File.Exists(Path.Combine(folder, "libcoreclr.so")), "the .NET runtime ships in the folder");
        Assert.IsTrue(File.Exists(Path.Combine(folder, "libonnxruntime.so")));
        Assert.IsTrue(File.Exists(Path.Combine(folder, "libonnxruntime_providers_cuda.so")));
        Assert.IsFalse(Directory.EnumerateFiles(folder, "libtorch*.so").Any(), "the GPU check carries no TorchSharp");
    }

    // The compiler rewrites obj/GpuCheck.dll in place, so a hard-linked publish folder would change with the next build.
    [TestMethod]
    public void PublishedAppIsACopyThatTheNextBuildCannotChange()
    {
        var app = Path.Combine(PublishedGpuCheck.Folder, "GpuCheck.dll");
        using var stat = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("stat", ["-c", "%h", app]) { RedirectStandardOutput = true })!;
        var links = stat.StandardOutput.ReadToEnd().Trim();
        stat.WaitForExit();

        Assert.AreEqual("1", links, $"{app} has {links} names on disk");
    }

    [TestMethod]
    public void RunsItsCpuHalfFromThePublishFolderWithoutDotnet()
    {
        var (code, output) = PublishedGpuCheck.Run("--preset", "small", "--images", "3", "--devices", "cpu");

        Assert.AreEqual(0, code, output);
        StringAssert.Matches(output, new System.Text.RegularExpressions.Regex(@"cpu\s+row by row\s+ok\s+\d+\.\d\s+\(reference\)"));
        StringAssert.Matches(output, new System.Text.RegularExpressions.Regex(@"cpu\s+batch of 32\s+ok\s+\d+\.\d\s+\d\.\de[-+]\d+ \(agrees\)"));
        StringAssert.Contains(output, "OK: the CPU and 0 CUDA device(s) ran the model and agree.");
    }

    [TestMethod]
    public void NamesTheMissingCudaLibraryAndExitsThree()
    {
        var (code, output) = PublishedGpuCheck.Run("--preset", "small", "--images", "2", "--devices", "cpu,0");
        if (code == 0) Assert.Inconclusive("CUDA works on this machine; the failure report needs a machine without it.");
        // What this machine's loader cannot find of what ONNX Runtime's CUDA provider links (cuDNN is opened later).
        var missing = CudaLibraries.Check().Where(l => !l.Found && !l.Name.StartsWith("libcudnn", StringComparison.Ordinal)).Select(l => l.Name).ToList();

        Assert.AreEqual(3, code, output);
        StringAssert.Matches(output, new System.Text.RegularExpressions.Regex(@"cuda:0\s+row by row\s+FAILED"));
        Assert.IsNotEmpty(missing, "CUDA is unusable here although every library the provider links loads; this test expects a missing one");
        foreach (var name in missing) StringAssert.Contains(output, name);
        StringAssert.Contains(output, "fix: install ");
        StringAssert.Contains(output, "CPU works; 0 of 1 CUDA device(s) usable (exit code 3).");
    }
}
