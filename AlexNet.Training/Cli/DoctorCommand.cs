using AlexNet.Onnx.Diagnostics;
using AlexNet.Training.Diagnostics;

namespace AlexNet.Training.Cli;

/// <summary>
/// <c>doctor</c>: says what will run where and why — system, TorchSharp (training) and ONNX Runtime (serving),
/// a real CUDA session per device — in plain words or as JSON. Exits 0 when everything <c>--require</c> asks for
/// is usable, 1 when something is not, 2 on a usage error.
/// </summary>
public static class DoctorCommand
{
    internal static readonly Flag[] DoctorFlags =
    [
        new("require", "what must work: cpu, cuda or cuda:N, comma-separated, each optionally torch: or onnx: (e.g. onnx:cuda:1)", "cpu"),
        new("json", "print the report as JSON", IsSwitch: true),
    ];

    /// <summary>Runs the command and returns the exit code.</summary>
    /// <param name="args">Arguments after <c>doctor</c>.</param>
    /// <param name="output">Where the report goes; null for standard output.</param>
    public static int Run(string[] args, TextWriter? output = null)
    {
        output ??= Console.Out;
        var f = new Flags(args, DoctorFlags);
        if (f.Help)
        {
            output.WriteLine(Flags.HelpText("usage: doctor [--require cpu|cuda|cuda:N[,...]] [--json]", DoctorFlags));
            return 0;
        }
        var requirements = Requirement.ParseList(f.String("require")!);
        var report = DoctorReport.Run(requirements);
        if (f.Switch("json")) output.WriteLine(DiagnosticsJson.Serialize(report));
        else Write(output, report, f.String("require")!);
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
        w.WriteLine("TorchSharp (training: AlexNet.Training)");
        DiagnosticsText.Line(w, "backend", t.Backend == "cuda" ? "cuda (TorchSharp-cuda-linux)" : "cpu (TorchSharp-cpu; build with -p:TorchBackend=cuda for CUDA)");
        DiagnosticsText.Line(w, "TorchSharp", t.TorchSharpVersion);
        DiagnosticsText.Line(w, "libstdc++ step", Describe(t.Patch));
        DiagnosticsText.Line(w, "libtorch", t.Loaded ? $"{t.TorchVersion}, loads and runs" : $"does NOT load: {t.LoadProblem}");
        DiagnosticsText.Line(w, "CUDA", t.CudaAvailable
            ? $"available, {t.CudaDeviceCount} device(s)" + string.Concat(t.DeviceNames.Select((n, i) => $"\ncuda:{i}: {n}"))
            : $"not available: {t.CudaProblem}");
        if (t.Loaded) DiagnosticsText.Line(w, "threads", $"{t.IntraOpThreads} intra-op, {t.InterOpThreads} inter-op (train --threads changes the first)");
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
