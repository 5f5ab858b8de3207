using System.Text.RegularExpressions;

namespace AlexNet.Onnx.Diagnostics;

/// <summary>Reads the NVIDIA kernel driver's version and GPU list from <c>/proc/driver/nvidia</c>, with no CUDA library loaded.</summary>
public static partial class NvidiaDriver
{
    /// <summary>The driver and its GPUs; an empty report when the driver is absent.</summary>
    /// <param name="root">The driver's proc folder; tests point it elsewhere.</param>
    public static NvidiaDriverReport Read(string root = "/proc/driver/nvidia")
    {
        string? version = null;
        var versionFile = Path.Combine(root, "version");
        if (File.Exists(versionFile) && KernelModule().Match(File.ReadAllText(versionFile)) is { Success: true } m)
            version = m.Groups[1].Value;
        var gpus = new List<NvidiaGpu>();
        var gpuRoot = Path.Combine(root, "gpus");
        if (Directory.Exists(gpuRoot))
        {
            foreach (var dir in Directory.GetDirectories(gpuRoot).Order(StringComparer.Ordinal))
            {
                var info = Path.Combine(dir, "information");
                var name = File.Exists(info) && ModelLine().Match(File.ReadAllText(info)) is { Success: true } n ? n.Groups[1].Value.Trim() : "unknown NVIDIA GPU";
                gpus.Add(new NvidiaGpu(gpus.Count, name, Path.GetFileName(dir)));
            }
        }
        return new NvidiaDriverReport(version, gpus);
    }

    [GeneratedRegex(@"Kernel Module\s+(?:for\s+\S+\s+)?([\d.]+)")]
    private static partial Regex KernelModule();

    [GeneratedRegex(@"^Model:\s*(.+)$", RegexOptions.Multiline)]
    private static partial Regex ModelLine();
}
