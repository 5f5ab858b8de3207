using AlexNet.Bench.Harness;

namespace AlexNet.Bench.Memory;

/// <summary>Resident memory sampled while an operation repeats: after every tenth of the count.</summary>
/// <param name="What">What repeated.</param>
/// <param name="Samples">(operations done, RSS MiB, managed heap MiB).</param>
/// <param name="PeakMiB">Peak RSS of the process (VmHWM) at the end.</param>
/// <param name="Seconds">Wall time of the repetitions.</param>
public sealed record MemoryTrace(string What, IReadOnlyList<(long Done, double RssMiB, double ManagedMiB)> Samples, double PeakMiB, double Seconds)
{
    /// <summary>RSS at the end minus RSS after the first tenth (warm-up excluded), MiB.</summary>
    public double GrowthMiB => Samples[^1].RssMiB - Samples[0].RssMiB;

    /// <summary>Repeats <paramref name="operation"/> <paramref name="count"/> times and samples memory ten times.</summary>
    /// <param name="what">Description.</param>
    /// <param name="count">Repetitions.</param>
    /// <param name="operation">One repetition, given its index.</param>
    /// <param name="log">Progress lines.</param>
    public static MemoryTrace Record(string what, long count, Action<long> operation, TextWriter log)
    {
        var samples = new List<(long, double, double)>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        long tenth = Math.Max(1, count / 10);
        for (long i = 0; i < count; i++)
        {
            operation(i);
            if ((i + 1) % tenth == 0 || i + 1 == count)
            {
                var sample = (i + 1, ProcessMemory.ResidentMiB, GC.GetTotalMemory(false) / 1048576.0);
                if (samples.Count == 0 || samples[^1].Item1 != sample.Item1) samples.Add(sample);
                log.WriteLine($"  {what}: {i + 1}/{count}, RSS {sample.Item2:F0} MiB, managed {sample.Item3:F0} MiB");
            }
        }
        return new MemoryTrace(what, samples, ProcessMemory.PeakResidentMiB, clock.Elapsed.TotalSeconds);
    }
}
