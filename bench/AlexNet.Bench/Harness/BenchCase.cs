using System.Diagnostics;

namespace AlexNet.Bench.Harness;

/// <summary>
/// One thing to time. <see cref="Step"/> does one unit of work (a prediction, a batch, a matmul) and says how much it
/// did; a run repeats it until <c>minSeconds</c> have passed and reports the rate.
/// </summary>
public abstract class BenchCase : IDisposable
{
    /// <summary>Short stable key, e.g. "infer.a".</summary>
    public abstract string Key { get; }
    /// <summary>What is measured, for the report.</summary>
    public abstract string Description { get; }
    /// <summary>Unit of the rate: "images/s" or "GFLOP/s".</summary>
    public virtual string Unit => "images/s";
    /// <summary>Network crops per image (10 for ten-crop).</summary>
    public virtual int CropsPerImage => 1;

    /// <summary>Does one unit of work.</summary>
    /// <returns>Images (or GFLOP) processed.</returns>
    protected abstract double Step();

    /// <summary>One timed run: repeats <see cref="Step"/> for at least <paramref name="minSeconds"/> (and once at least).</summary>
    /// <param name="minSeconds">Shortest run.</param>
    /// <returns>The rate in <see cref="Unit"/>.</returns>
    public virtual double Measure(double minSeconds)
    {
        var clock = Stopwatch.StartNew();
        double done = 0;
        int steps = 0;
        while (steps < 1 || clock.Elapsed.TotalSeconds < minSeconds)
        {
            done += Step();
            steps++;
        }
        return done / clock.Elapsed.TotalSeconds;
    }

    /// <summary>Releases what the case holds.</summary>
    public virtual void Dispose() => GC.SuppressFinalize(this);
}
