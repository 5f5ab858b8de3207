namespace AlexNet.Bench.Harness;

/// <summary>Resident memory of this process from /proc/self/status (Linux).</summary>
public static class ProcessMemory
{
    /// <summary>Current resident set size in MiB (VmRSS).</summary>
    public static double ResidentMiB => Read("VmRSS:");
    /// <summary>Peak resident set size so far in MiB (VmHWM).</summary>
    public static double PeakResidentMiB => Read("VmHWM:");

    /// <summary>Minor page faults of this process so far (/proc/self/stat's minflt): pages the kernel mapped in on first
    /// touch, zeroing each, without reading a disk.</summary>
    public static long MinorFaults
    {
        get
        {
            // The fields after the command name, which is in parentheses and may hold spaces: state is the first, minflt the eighth.
            var stat = File.ReadAllText("/proc/self/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[7], System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    private static double Read(string key)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith(key, StringComparison.Ordinal))
                return long.Parse(line[key.Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) / 1024.0;
        return double.NaN;
    }
}
