using System.Runtime.InteropServices;

namespace AlexNet.Onnx.Diagnostics;

/// <summary>Describes this machine: OS, glibc, libstdc++, processors and NVIDIA driver.</summary>
public static class SystemDiagnostics
{
    private static readonly string[] LibstdcxxPaths =
    [
        "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib/aarch64-linux-gnu/libstdc++.so.6",
        "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6",
    ];

    /// <summary>Reads the report; never throws for a missing file or library.</summary>
    public static SystemReport Read()
    {
        var libstdcxx = LibstdcxxPath();
        string? newest = null;
        if (libstdcxx is not null)
        {
            try { newest = NewestVersion(ElfFile.Read(libstdcxx).DefinedVersions, "GLIBCXX_"); }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException) { }
        }
        return new SystemReport(
            OsName(),
            KernelVersion(),
            RuntimeInformation.ProcessArchitecture.ToString(),
            RuntimeInformation.FrameworkDescription,
            LibcVersion(),
            libstdcxx,
            newest,
            Environment.ProcessorCount,
            PhysicalCores(),
            NvidiaDriver.Read());
    }

    /// <summary>The processor's model name as /proc/cpuinfo gives it (e.g. "AMD EPYC 9B45"), or the architecture where it
    /// cannot be read: every figure we publish names the CPU it was measured on.</summary>
    public static string CpuModel()
    {
        try
        {
            if (File.Exists("/proc/cpuinfo")
                && File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal)) is { } line)
                return line.Split(':', 2)[1].Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        return $"{RuntimeInformation.ProcessArchitecture} CPU, model unknown";
    }

    /// <summary>The libstdc++ this process uses: the loaded copy when there is one, else the system's.</summary>
    public static string? LibstdcxxPath() =>
        LoadedLibrary("/libstdc++.so.6") ?? LibstdcxxPaths.FirstOrDefault(File.Exists);

    /// <summary>Whether the system libstdc++ defines a symbol version, e.g. GLIBCXX_3.4.32; false when it cannot be read.</summary>
    /// <param name="version">The version name.</param>
    public static bool LibstdcxxProvides(string version)
    {
        if (LibstdcxxPath() is not { } path) return false;
        try { return ElfFile.Read(path).DefinedVersions.Contains(version); }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException) { return false; }
    }

    /// <summary>The full path of a library mapped into this process whose path ends with <paramref name="suffix"/>, or null.</summary>
    /// <param name="suffix">e.g. "/libonnxruntime.so".</param>
    public static string? LoadedLibrary(string suffix)
    {
        if (!OperatingSystem.IsLinux()) return null;
        try
        {
            return File.ReadLines("/proc/self/maps")
                .Select(l => l.IndexOf('/') is var i and >= 0 ? l[i..] : "")
                .FirstOrDefault(p => p.EndsWith(suffix, StringComparison.Ordinal));
        }
        catch (IOException) { return null; }
    }

    /// <summary>The newest of a family of versions (GLIBCXX_3.4.9 &lt; GLIBCXX_3.4.30), compared number by number.</summary>
    /// <param name="versions">Version names.</param>
    /// <param name="prefix">The family, e.g. "GLIBCXX_".</param>
    public static string? NewestVersion(IEnumerable<string> versions, string prefix) =>
        versions.Where(v => v.StartsWith(prefix, StringComparison.Ordinal) && Version.TryParse(v[prefix.Length..], out _))
                .OrderBy(v => Version.Parse(v[prefix.Length..]))
                .LastOrDefault();

    private static string OsName()
    {
        try
        {
            var line = File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal));
            if (line is not null) return line["PRETTY_NAME=".Length..].Trim('"');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        return RuntimeInformation.OSDescription;
    }

    private static string KernelVersion()
    {
        try { return "Linux " + File.ReadAllText("/proc/sys/kernel/osrelease").Trim(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return Environment.OSVersion.VersionString; }
    }

    private static string? LibcVersion()
    {
        if (!OperatingSystem.IsLinux()) return null;
        try { return Marshal.PtrToStringAnsi(GnuGetLibcVersion()); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { return null; } // musl
    }

    private static int? PhysicalCores()
    {
        try
        {
            // One (physical id, core id) pair per core; hyper-threads repeat it.
            var cores = new HashSet<(string, string)>();
            string physical = "0";
            foreach (var line in File.ReadLines("/proc/cpuinfo"))
            {
                var parts = line.Split(':', 2, StringSplitOptions.TrimEntries);
                if (parts.Length < 2) continue;
                if (parts[0] == "physical id") physical = parts[1];
                else if (parts[0] == "core id") cores.Add((physical, parts[1]));
            }
            return cores.Count > 0 ? cores.Count : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    [DllImport("libc.so.6", EntryPoint = "gnu_get_libc_version")]
    private static extern IntPtr GnuGetLibcVersion();
}
