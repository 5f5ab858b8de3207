using System.Globalization;
using System.Text;
using AlexNet.Bench.Harness;
using AlexNet.Bench.Inference;
using AlexNet.Bench.Setup;
using AlexNet.Bench.Training;
using AlexNet.MLNet;
using Microsoft.ML;

namespace AlexNet.Bench.Memory;

/// <summary>
/// Resident memory over many ML.NET predictions or training steps, in a process of its own (so its peak RSS is that
/// workload's): one Markdown table row with the peak, the growth after the first tenth, and the samples.
/// </summary>
public static class MemorySuite
{
    /// <summary>Runs one trace.</summary>
    /// <param name="what">mlnet (ten-crop PredictionEngine) or train (trainer steps at batch 128).</param>
    /// <param name="preset">small or paper.</param>
    /// <param name="count">Predictions or steps.</param>
    /// <param name="folder">Temporary folder.</param>
    /// <param name="log">Progress.</param>
    public static string Run(string what, string preset, int count, string folder, TextWriter log)
    {
        double before = ProcessMemory.ResidentMiB;
        MemoryTrace trace;
        if (what == "train")
        {
            using var steps = new TrainingSteps(BenchTrainingData.For(preset));
            trace = MemoryTrace.Record($"training steps, `{preset}`, batch 128", count, _ => steps.Measure(0), log);
        }
        else
        {
            using var model = BenchModel.Create(preset, folder);
            var ml = new MLContext(seed: 1);
            var rows = BenchImages.For(preset, folder).Select(p => new PathRow { ImagePath = p }).ToArray();
            var fitted = ml.Transforms.ClassifyImagesWithAlexNet(model.OnnxPath, nameof(PathRow.ImagePath)).Fit(ml.Data.LoadFromEnumerable(rows));
            using var engine = ml.Model.CreatePredictionEngine<PathRow, MlNetTenCrop.Prediction>(fitted);
            trace = MemoryTrace.Record($"ML.NET ten-crop predictions, `{preset}`", count, i => engine.Predict(rows[i % rows.Length]), log);
        }
        var s = trace.Samples;
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture,
            $"| {trace.What} | {count:N0} | {trace.Seconds:F0} s | {trace.PeakMiB:F0} MiB | {s[0].RssMiB:F0} → {s[^1].RssMiB:F0} MiB ({trace.GrowthMiB:+0;-0;0} MiB) | " +
            $"{s[0].ManagedMiB:F0} → {s[^1].ManagedMiB:F0} MiB | {string.Join(", ", s.Select(x => x.RssMiB.ToString("F0", CultureInfo.InvariantCulture)))} |");
        log.WriteLine($"process RSS before the workload: {before:F0} MiB");
        return md.ToString();
    }
}
