using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using AlexNet.Bench.Harness;

namespace AlexNet.Bench.Training;

/// <summary>
/// Ours in a process of its own, as the trainer runs: one model, <c>count</c> steps at batch 128 each timed, then the
/// process's peak RSS. For settings that hold for a whole process (the allocator, huge pages), which the interleaved
/// rounds of <c>speed</c> cannot compare: bench/train-steps.sh starts one process per setting, alternating.
/// </summary>
public static class StepTimes
{
    /// <summary>Runs the steps and returns one JSON line: each step's milliseconds and minor page faults, the median
    /// images/s and faults of the steps after the first (which pays the first touch of every buffer), and peak RSS in MiB.</summary>
    /// <param name="preset">small or paper.</param>
    /// <param name="count">Steps, 2 or more.</param>
    /// <param name="memoryFormat">The activations' layout; null: the trainer's.</param>
    /// <param name="log">Progress.</param>
    public static string Run(string preset, int count, AlexNet.Training.Model.MemoryFormat? memoryFormat, TextWriter log)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 2);
        using var steps = new TrainingSteps(BenchTrainingData.For(preset), memoryFormat: memoryFormat);
        var ms = new double[count];
        var faults = new long[count];
        for (int i = 0; i < count; i++)
        {
            long before = ProcessMemory.MinorFaults, start = Stopwatch.GetTimestamp();
            steps.Measure(0);   // one step
            ms[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            faults[i] = ProcessMemory.MinorFaults - before;
            log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  step {i + 1}/{count}: {ms[i]:F0} ms, {faults[i]} minor faults, RSS {ProcessMemory.ResidentMiB:F0} MiB"));
        }
        double median = Result.MedianOf([.. ms.Skip(1)]);
        return JsonSerializer.Serialize(new
        {
            preset,
            memoryFormat = TrainingSteps.Name(memoryFormat ?? TrainingSteps.TrainersMemoryFormat),
            steps = count,
            stepMs = ms.Select(m => Math.Round(m, 1)),
            imagesPerSecond = Math.Round(128 * 1000 / median, 2),
            firstStepMs = Math.Round(ms[0], 1),
            minorFaults = faults,
            medianMinorFaults = faults.Skip(1).Order().ElementAt((count - 1) / 2),
            peakRssMiB = Math.Round(ProcessMemory.PeakResidentMiB),
        });
    }
}
