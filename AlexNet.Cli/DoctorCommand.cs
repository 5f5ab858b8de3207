using System.CommandLine;
using AlexNet.Onnx.Diagnostics;
using AlexNet.Training.Diagnostics;
using AlexNet.Training.Model;

namespace AlexNet.Cli;

/// <summary>
/// <c>doctor</c>: says what will run where and why — system, TorchSharp (training) and ONNX Runtime (serving),
/// a real CUDA session per device — in plain words or as JSON. Exits 0 when everything <c>--require</c> asks for
/// is usable, 1 when something is not, 2 on a usage error.
/// </summary>
public static class DoctorCommand
{
    private static readonly Option<string> Require = new("--require")
    {
        Description = "what must work: cpu, cuda or cuda:N, comma-separated, each optionally torch: or onnx: (e.g. onnx:cuda:1)",
        DefaultValueFactory = _ => "cpu",
    };
    private static readonly Option<bool> Json = new("--json") { Description = "print the report as JSON" };

    /// <summary>The doctor command.</summary>
    public static Command Build()
    {
        var command = new Command("doctor", "what will run where (CPU, CUDA) for training and serving, and why") { Require, Json };
        command.SetAction(r => Report(r.GetValue(Require)!, r.GetValue(Json), Console.Out));
        return command;
    }

    /// <summary>Runs the command line of <c>doctor</c> and returns the exit code (2 for a usage error).</summary>
    /// <param name="args">Arguments after <c>doctor</c>.</param>
    /// <param name="output">Where the report goes; null for standard output.</param>
    public static int Run(string[] args, TextWriter? output = null)
    {
        output ??= Console.Out;
        var parsed = new RootCommand { Build() }.Parse(["doctor", .. args]);
        if (parsed.Errors.Count > 0)
        {
            foreach (var e in parsed.Errors) output.WriteLine($"error: {e.Message}");
            return 2;
        }
        try
        {
            return Report(parsed.GetValue(Require)!, parsed.GetValue(Json), output);
        }
        catch (FormatException e)
        {
            output.WriteLine($"error: {e.Message}");
            return 2;
        }
    }

    private static int Report(string require, bool json, TextWriter output)
    {
        var requirements = Requirement.ParseList(require);
        var report = DoctorReport.Run(requirements);
        if (json) output.WriteLine(DiagnosticsJson.Serialize(report));
        else Write(output, report, require);
        return report.Ok ? 0 : 1;
    }

    /// <summary>Writes the report in plain words.</summary>
    /// <param name="w">Destination.</param>
    /// <param name="report">The report.</param>
    /// <param name="asked">The --require text, repeated in the last line.</param>
    public static void Write(TextWriter w, DoctorReport report, string asked)
    {
        DiagnosticsText.WriteSystem(w, report.System);
        w.WriteLine();
        WriteTorchSharp(w, report.TorchSharp);
        w.WriteLine();
        DiagnosticsText.WriteOnnxRuntime(w, report.OnnxRuntime);
        w.WriteLine();
        w.WriteLine("Requirements");
        foreach (var r in report.Requirements)
            DiagnosticsText.Line(w, $"{(r.Stack == Stack.TorchSharp ? "torch" : "onnx")}:{r.Device}", r.Usable ? "usable" : $"NOT usable: {r.Reason}");
        w.WriteLine();
        w.WriteLine(report.Ok
            ? $"OK: everything asked for (--require {asked}) is usable."
            : $"NOT OK: {report.Requirements.Count(r => !r.Usable)} of {report.Requirements.Count} requirement(s) of --require {asked} are not usable (exit code 1).");
    }

    private static void WriteTorchSharp(TextWriter w, TorchSharpReport t)
    {
        w.WriteLine("TorchSharp (training: AlexNet.Training, the alexnet CLI)");
        DiagnosticsText.Line(w, "backend", t.Backend == "cuda" ? "cuda (TorchSharp-cuda-linux)" : "cpu (TorchSharp-cpu; build with -p:TorchBackend=cuda for CUDA)");
        DiagnosticsText.Line(w, "TorchSharp", t.TorchSharpVersion);
        DiagnosticsText.Line(w, "libstdc++ step", Describe(t.Patch));
        DiagnosticsText.Line(w, "libtorch", t.Loaded ? $"{t.TorchVersion}, loads and runs" : $"does NOT load: {t.LoadProblem}");
        DiagnosticsText.Line(w, "CUDA", t.CudaAvailable
            ? $"available, {t.CudaDeviceCount} device(s)" + string.Concat(t.DeviceNames.Select((n, i) => $"\ncuda:{i}: {n}"))
            : $"not available: {t.CudaProblem}");
        if (t.Loaded) DiagnosticsText.Line(w, "threads", $"{t.IntraOpThreads} intra-op, {t.InterOpThreads} inter-op (train --threads changes the first)");
        if (t.Loaded) DiagnosticsText.Line(w, "MKL", DescribeMkl(t.Mkl, t.MklVendorCheck));
        DiagnosticsText.Line(w, "allocator", DescribeAllocator(t.FreedMemory, t.LargeBlocksMapped));
    }

    /// <summary>Whether glibc keeps the memory a training step frees in this process, and who decided.</summary>
    /// <param name="state">What this process did (<see cref="FreedMemory.Keep"/>); null when it did not ask.</param>
    /// <param name="mapped">Whether a large block gets a mapping of its own now; null where glibc cannot say.</param>
    public static string DescribeAllocator(FreedMemoryState? state, bool? mapped) =>
        (state?.Description ?? $"glibc's defaults: this process never called FreedMemory.Keep (the alexnet CLI does; {FreedMemory.Variable}=0 turns it off there)") +
        (mapped switch
        {
            true => $"\na {FreedMemory.ProbeBytes >> 20} MiB block gets a mapping of its own, unmapped on free",
            false => $"\na {FreedMemory.ProbeBytes >> 20} MiB block comes from glibc's heap and stays in the process when freed",
            null => "",
        });

    /// <summary>Which path the MKL inside libtorch takes (its fully connected layers' matrix products) and who decided.</summary>
    /// <param name="mkl">MKL's own report; null when libtorch has no MKL.</param>
    /// <param name="check">What this process did about MKL's vendor question; null when it did not ask.</param>
    public static string DescribeMkl(MklReport? mkl, MklVendorState? check)
    {
        if (mkl is null) return "not in this libtorch (no MKL to report on)";
        string who = mkl.AnsweredBy == "MKL"
            ? $"answered {mkl.Answer} by MKL itself"
            : $"answered {mkl.Answer} by {mkl.AnsweredBy} (MKL's own check says {mkl.MklAnswer})";
        return $"{mkl.Version}; CPU vendor {mkl.CpuVendor ?? "unknown"}; vendor check {who}\n" +
               $"code path: {mkl.CodePath}\n" +
               (check?.Description ?? $"{MklVendorCheck.Variable} not applied: this process never called MklVendorCheck.Apply");
    }

    private static string Describe(CompatibilityPatch p) => p.State switch
    {
        PatchState.Applied => $"applied: the system libstdc++ lacks {p.Version}, and libLibTorchSharp.so's need for it is marked weak\n({p.LibraryPath})",
        PatchState.SystemProvides => $"not needed: the system libstdc++ has {p.Version}",
        PatchState.NotNeeded => $"not needed: libLibTorchSharp.so does not ask for {p.Version}",
        PatchState.Missing => $"MISSING: the system libstdc++ lacks {p.Version} and {p.LibraryPath} is not patched; build with build/TorchSharp.targets imported",
        _ => "libLibTorchSharp.so was not found next to the app",
    };
}
