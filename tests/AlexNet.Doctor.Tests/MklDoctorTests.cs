using System.Text.Json;

namespace AlexNet.Doctor.Tests;

/// <summary>
/// doctor's MKL line: the code path the MKL inside libtorch takes and who answered its vendor question. The CLI answers
/// before libtorch loads (Program.cs), so the answers are checked in child processes of alexnet.dll; this test host
/// never calls MklVendorCheck.Apply, so in-process MKL answers for itself.
/// </summary>
[TestClass]
public sealed class MklDoctorTests
{
    [TestMethod]
    public void InAProcessThatNeverAnsweredMklAnswersItselfAsTheCpuVendorSays()
    {
        var run = DoctorRun.Of("--json");
        var torch = run.Json.GetProperty("torchSharp");
        var mkl = torch.GetProperty("mkl");
        var vendor = CpuinfoVendor();

        Assert.AreEqual(JsonValueKind.Null, torch.GetProperty("mklVendorCheck").ValueKind);
        Assert.AreEqual(vendor, mkl.GetProperty("cpuVendor").GetString());
        Assert.IsFalse(mkl.GetProperty("answeredByUs").GetBoolean());
        Assert.AreEqual(vendor == "GenuineIntel" ? 1 : 0, mkl.GetProperty("mklAnswer").GetInt32());
        Assert.AreEqual(mkl.GetProperty("mklAnswer").GetInt32(), mkl.GetProperty("answer").GetInt32());
        StringAssert.StartsWith(mkl.GetProperty("version").GetString(), "2024.");
        StringAssert.StartsWith(mkl.GetProperty("codePath").GetString(), "Intel(R) ");
        StringAssert.Contains(DoctorRun.Of().Output, $"vendor check answered {mkl.GetProperty("answer").GetInt32()} by MKL itself\n");
    }

    [TestMethod]
    public void TheCliToldToAnswer0Or1ReportsOurAnswerAndMklsPathForEach()
    {
        var generic = Cli("0");
        var fast = Cli("1");
        int own = CpuinfoVendor() == "GenuineIntel" ? 1 : 0;

        StringAssert.Contains(generic, $"vendor check answered 0 by libalexnet-mkl-intel-cpu.so (MKL's own check says {own})\n");
        StringAssert.Contains(fast, $"vendor check answered 1 by libalexnet-mkl-intel-cpu.so (MKL's own check says {own})\n");
        StringAssert.Contains(generic, "answered 0 by libalexnet-mkl-intel-cpu.so (ALEXNET_MKL_INTEL_CPU=0)\n");
        StringAssert.StartsWith(CodePath(fast), "code path: Intel(R) ");
        StringAssert.StartsWith(CodePath(generic), "code path: Intel(R) ");
        // On Intel, MKL's generic path is its SSE2 one; on AMD it may share the kernels of the Intel path (an AVX2-only
        // Zen), so only an Intel CPU is sure to show two paths.
        if (own == 1) Assert.AreNotEqual(CodePath(generic), CodePath(fast), "answering 0 and 1 leaves MKL on one path");
    }

    [TestMethod]
    public void TheCliToldToLeaveMklAloneReportsMklsOwnAnswer()
    {
        var output = Cli("mkl");

        StringAssert.Contains(output, $"vendor check answered {(CpuinfoVendor() == "GenuineIntel" ? 1 : 0)} by MKL itself\n");
        StringAssert.Contains(output, "MKL answers for itself (ALEXNET_MKL_INTEL_CPU=mkl)\n");
    }

    [TestMethod]
    public void ALibraryInLdPreloadThatAnswersFirstIsNamedAndOursIsNotLoaded()
    {
        // The one-function library of the issue's experiment, given to the process as LD_PRELOAD; it answers 0.
        var preload = Path.Combine(TestScratch.Folder, "preloaded-answer-0.so");
        File.WriteAllBytes(preload, AlexNet.Training.Model.MklVendorCheck.SharedObject(0));
        int own = CpuinfoVendor() == "GenuineIntel" ? 1 : 0;

        var output = Cli("1", ("LD_PRELOAD", preload));

        StringAssert.Contains(output, $"vendor check answered 0 by {preload} (MKL's own check says {own})\n");
        StringAssert.Contains(output, $"not loaded: {preload} already answers MKL's vendor check\n");
    }

    private static string CodePath(string doctorText) =>
        doctorText.Split('\n').Single(l => l.TrimStart().StartsWith("code path: ", StringComparison.Ordinal)).Trim();

    // The kernel's reading of CPUID, independent of the product's own.
    private static string CpuinfoVendor() =>
        File.ReadLines("/proc/cpuinfo").First(l => l.StartsWith("vendor_id", StringComparison.Ordinal)).Split(':', 2)[1].Trim();

    private static string Cli(string setting, params (string Name, string Value)[] environment) =>
        DoctorRun.InCliProcess([("ALEXNET_MKL_INTEL_CPU", setting), .. environment]).Output;
}
