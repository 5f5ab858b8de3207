namespace AlexNet.Bench.Harness;

/// <summary>Resident memory of this process from /proc/self/status (Linux).</summary>
public static class ProcessMemory
{
    /// <summary>Current resident set size in MiB (VmRSS).</summary>
    public static double ResidentMiB => Read("VmRSS:");
    /// <summary>Peak resident set size so far in MiB (VmHWM).</summary>
    public static double PeakResidentMiB => Read("VmHWM:");

    private static double Read(string key)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith(key, StringComparison.Ordinal))
                return long.Parse(line[key.Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) / 1024.0;
        return double.NaN;
    }
}
