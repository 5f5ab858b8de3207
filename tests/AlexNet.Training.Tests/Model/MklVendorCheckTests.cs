using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using AlexNet.Training.Model;

namespace AlexNet.Training.Tests.Model;

/// <summary>
/// <see cref="MklVendorCheck"/>: the library it writes, the setting, and — in child processes (AlexNet.MklProbe),
/// because MKL takes its path once per process — that answering 1 and answering 0 select different MKL code paths
/// whose fully connected results agree within float rounding.
/// </summary>
[TestClass]
public sealed class MklVendorCheckTests
{
    private static readonly string Probe = Path.Combine(AppContext.BaseDirectory, "AlexNet.MklProbe.dll");

    [TestMethod]
    public void WritesASharedObjectThatReadelfReadsAsOneExportedFunctionWithItsSoname()
    {
        var path = Path.Combine(TestScratch.Folder, "answer1.so");
        File.WriteAllBytes(path, MklVendorCheck.SharedObject(1));

        var header = Readelf.Run("-h", "-l", "-W", path);
        var symbols = Readelf.Run("--syms", "--use-dynamic", "-W", path);
        var dynamic = Readelf.Run("-d", "-W", path);

        StringAssert.Contains(header, "DYN (Shared object file)");
        StringAssert.Contains(header, "Advanced Micro Devices X86-64");
        StringAssert.Matches(header, new System.Text.RegularExpressions.Regex(@"GNU_STACK(\s+0x0+){5}\s+RW "), "the stack stays non-executable");
        StringAssert.Matches(symbols, new System.Text.RegularExpressions.Regex(@"\s6 FUNC\s+GLOBAL DEFAULT\s+\d+ mkl_serv_intel_cpu_true"));
        StringAssert.Contains(dynamic, $"Library soname: [{MklVendorCheck.LibraryName}]");
    }

    [TestMethod]
    [DataRow(1)]
    [DataRow(0)]
    [DataRow(-7)]
    public void TheLibraryLoadsAndItsFunctionReturnsTheAnswerItWasWrittenWith(int answer)
    {
        // Loaded locally (NativeLibrary: RTLD_LAZY, not global), so it cannot answer MKL in this test host.
        var path = Path.Combine(TestScratch.Folder, $"answer{answer}.so");
        File.WriteAllBytes(path, MklVendorCheck.SharedObject(answer));
        nint library = NativeLibrary.Load(path);
        try
        {
            var function = Marshal.GetDelegateForFunctionPointer<IntFunction>(NativeLibrary.GetExport(library, MklVendorCheck.FunctionName));
            Assert.AreEqual(answer, function());
        }
        finally { NativeLibrary.Free(library); }
    }

    [TestMethod]
    [DataRow(null, "AuthenticAMD", 1)]
    [DataRow("auto", "AuthenticAMD", 1)]
    [DataRow(null, "GenuineIntel", null)]
    [DataRow(" AUTO ", "HygonGenuine", null)]
    [DataRow("1", "GenuineIntel", 1)]
    [DataRow("0", "AuthenticAMD", 0)]
    [DataRow("mkl", "AuthenticAMD", null)]
    public void AutoAnswersOnAmdOnlyAndTheOtherSettingsEverywhere(string? setting, string vendor, int? expected)
    {
        Assert.AreEqual(expected, MklVendorCheck.AnswerFor(setting, vendor));
    }

    [TestMethod]
    public void AnUnknownSettingIsAnErrorThatNamesTheVariableAndTheChoices()
    {
        var e = Assert.ThrowsExactly<FormatException>(() => MklVendorCheck.AnswerFor("yes", "AuthenticAMD"));
        Assert.AreEqual("ALEXNET_MKL_INTEL_CPU=yes: use auto (the default), 1, 0 or mkl.", e.Message);
    }

    [TestMethod]
    public void AnsweringAfterLibtorchLoadedIsRefusedAndSaysWhy()
    {
        var run = ProbeRun.Of("1", late: true);

        Assert.IsNull(run.State.GetProperty("Answer").GetNullableInt());
        Assert.AreEqual("MKL answers for itself: libtorch was loaded before our answer could be, and MKL keeps the first answer",
            run.State.GetProperty("Description").GetString());
        Assert.IsFalse(run.Mkl.GetProperty("AnsweredByUs").GetBoolean());
    }

    /// <summary>
    /// y = x·wᵀ + b (9216 products a sum), w.grad = gᵀ·x (32) and x.grad = g·w (256), with MKL told "Intel" and told
    /// "not Intel". The two paths run different kernels (MKL names them: on Intel AVX-512 against SSE2), which add the
    /// same products in different orders and blocks, so they round differently: each float32 sum of K products is
    /// within about √K·u·Σ|aₖbₖ| of the exact one (u = 2⁻²⁴; rounding errors of a long sum mostly cancel, Higham,
    /// "Accuracy and Stability of Numerical Algorithms" §2.8), and the paths within twice that of each other. The test
    /// allows 4·√K·u·Σ|aₖbₖ| per element, twice that; the guaranteed bound, 2·K·u·Σ|aₖbₖ|, is 48× looser for y. On the
    /// development VM (Intel, AVX-512 against SSE2) the widest gaps were 0.18 of the allowance for w.grad, 0.09 for
    /// x.grad and 0.002 for y.
    /// </summary>
    [TestMethod]
    public void MklsIntelPathAndItsGenericPathAgreeWithinSummationRounding()
    {
        var fast = ProbeRun.Of("1");
        var generic = ProbeRun.Of("0");

        Assert.AreEqual(1, fast.State.GetProperty("Answer").GetInt32(), fast.Output);
        Assert.AreEqual(0, generic.State.GetProperty("Answer").GetInt32(), generic.Output);
        Assert.IsTrue(fast.Mkl.GetProperty("AnsweredByUs").GetBoolean() && generic.Mkl.GetProperty("AnsweredByUs").GetBoolean());
        // An AVX2-only AMD CPU may get the same kernels from MKL either way; then there are no two paths to compare.
        if (fast.Mkl.GetProperty("CodePath").GetString() == generic.Mkl.GetProperty("CodePath").GetString())
            Assert.Inconclusive($"MKL takes one path for both answers on this CPU: {fast.Mkl.GetProperty("CodePath").GetString()}");

        float[] x = fast.Read("x"), w = fast.Read("w"), g = fast.Read("g");
        CollectionAssert.AreEqual(x, generic.Read("x"), "both children start from the same seeded tensors");
        CollectionAssert.AreEqual(w, generic.Read("w"));
        const int Batch = 32, In = 9216, Out = 256;

        // y[i, j] = Σₖ x[i, k]·w[j, k] (+ b[j], one more rounding, inside the allowance)
        int differing = AssertAgree("y", fast.Read("y"), generic.Read("y"), Batch, Out, In, (i, j, k) => Math.Abs((double)x[i * In + k] * w[j * In + k]));
        // w.grad[j, k] = Σᵢ g[i, j]·x[i, k]
        differing += AssertAgree("w.grad", fast.Read("w.grad"), generic.Read("w.grad"), Out, In, Batch, (j, k, i) => Math.Abs((double)g[i * Out + j] * x[i * In + k]));
        // x.grad[i, k] = Σⱼ g[i, j]·w[j, k]
        differing += AssertAgree("x.grad", fast.Read("x.grad"), generic.Read("x.grad"), Batch, In, Out, (i, k, j) => Math.Abs((double)g[i * Out + j] * w[j * In + k]));
        Assert.IsGreaterThan(0, differing, "every result is bit-identical although MKL named two paths: the same kernels ran");
    }

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int IntFunction();

    // Returns how many elements differ at all.
    private static int AssertAgree(string name, float[] a, float[] b, int rows, int cols, int terms, Func<int, int, int, double> absProduct)
    {
        Assert.HasCount(rows * cols, a, name);
        Assert.HasCount(rows * cols, b, name);
        double allowance = 4 * Math.Sqrt(terms) * Math.Pow(2, -24);
        double worst = 0;
        int differing = 0;
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
            {
                double diff = Math.Abs((double)a[r * cols + c] - b[r * cols + c]);
                if (diff == 0) continue;
                differing++;
                double scale = 0;
                for (int k = 0; k < terms; k++) scale += absProduct(r, c, k);
                worst = Math.Max(worst, diff / (allowance * scale));
            }
        Assert.IsLessThanOrEqualTo(1.0, worst, $"{name}: the paths differ by {worst:g3} times the allowance 4·√{terms}·u·Σ|aₖbₖ|");
        return differing;
    }

    private sealed record ProbeRun(string Output, JsonElement State, JsonElement Mkl, string Folder)
    {
        public static ProbeRun Of(string setting, bool late = false)
        {
            var folder = Directory.CreateDirectory(Path.Combine(TestScratch.Folder, $"mkl-probe-{setting}-{late}-{Guid.NewGuid():N}")).FullName;
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add(Probe);
            start.ArgumentList.Add(folder);
            if (late) start.ArgumentList.Add("--late");
            start.Environment[MklVendorCheck.Variable] = setting;
            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEndAsync();
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            Assert.AreEqual(0, process.ExitCode, $"AlexNet.MklProbe with {MklVendorCheck.Variable}={setting}: {output}{error.Result}");
            var json = JsonDocument.Parse(output).RootElement;
            return new ProbeRun(output, json.GetProperty("state"), json.GetProperty("mkl"), folder);
        }

        public float[] Read(string name) => RawFloats.Read(Path.Combine(Folder, name));
    }
}

internal static class JsonElementExtensions
{
    public static int? GetNullableInt(this JsonElement e) => e.ValueKind == JsonValueKind.Null ? null : e.GetInt32();
}
