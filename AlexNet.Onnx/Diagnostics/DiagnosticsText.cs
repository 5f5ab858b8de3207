namespace AlexNet.Onnx.Diagnostics;

/// <summary>Writes diagnostics reports as short labelled lines in plain words.</summary>
public static class DiagnosticsText
{
    /// <summary>Width of the label column.</summary>
    public const int LabelWidth = 16;

    /// <summary>Writes one labelled line; continuation lines are indented under the value.</summary>
    /// <param name="w">Destination.</param>
    /// <param name="label">Label, e.g. "glibc".</param>
    /// <param name="value">Value; embedded newlines start continuation lines.</param>
    public static void Line(TextWriter w, string label, string value)
    {
        var lines = value.Split('\n');
        w.WriteLine($"  {label.PadRight(LabelWidth)}{lines[0]}");
        foreach (var more in lines.Skip(1)) w.WriteLine($"  {new string(' ', LabelWidth)}{more}");
    }

    /// <summary>Writes the system section.</summary>
    /// <param name="w">Destination.</param>
    /// <param name="s">The report.</param>
    public static void WriteSystem(TextWriter w, SystemReport s)
    {
        w.WriteLine("System");
        Line(w, "OS", $"{s.Os} ({s.Kernel}, {s.Architecture})");
        Line(w, ".NET", s.DotnetRuntime);
        Line(w, "glibc", s.LibcVersion ?? "not glibc");
        Line(w, "libstdc++", s.LibstdcxxPath is null ? "not found" : $"{s.LibstdcxxPath}, newest version {s.LibstdcxxNewestGlibcxx ?? "unknown"}");
        Line(w, "processors", $"{s.LogicalProcessors} logical" + (s.PhysicalCores is { } p ? $", {p} physical cores" : ""));
        Line(w, "NVIDIA driver", s.Nvidia.DriverVersion is { } v
            ? $"{v}, {s.Nvidia.Gpus.Count} GPU(s)" + string.Concat(s.Nvidia.Gpus.Select(g => $"\n{g.Index}: {g.Name} ({g.BusId})"))
            : "not loaded (no /proc/driver/nvidia): this machine shows no NVIDIA GPU");
    }

    /// <summary>Writes the ONNX Runtime section.</summary>
    /// <param name="w">Destination.</param>
    /// <param name="o">The report.</param>
    public static void WriteOnnxRuntime(TextWriter w, OnnxRuntimeReport o)
    {
        w.WriteLine("ONNX Runtime (serving: AlexNet.Onnx, AlexNet.MLNet)");
        Line(w, "version", o.Version);
        Line(w, "providers", string.Join(", ", o.AvailableProviders) + " (compiled in; CUDA also needs the libraries below)");
        Line(w, "CUDA provider", o.CudaProviderLibrary ?? $"{CudaLibraries.ProviderLibrary} not shipped with this app");
        var missing = o.CudaLibraries.Where(l => !l.Found).ToList();
        var found = o.CudaLibraries.Where(l => l.Found).ToList();
        Line(w, "CUDA libraries", (found.Count > 0 ? "found: " + string.Join(", ", found.Select(l => l.Name)) : "none found")
            + string.Concat(missing.Select(l => $"\nmissing: {l.Name} — from {l.ProvidedBy}")));
        foreach (var d in o.Devices)
            Line(w, $"cuda:{d.DeviceId}", d.Usable ? "usable: a session ran on the CUDA provider" : $"NOT usable: {d.Problem}.\nfix: {d.Remedy}.");
        Line(w, "threads", $"{o.DefaultIntraOpThreads} per operator by default (one per physical core); set IntraOpThreads to change");
    }
}
