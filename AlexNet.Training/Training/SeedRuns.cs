using System.Globalization;
using System.Text;
using MathNet.Numerics.Statistics;

namespace AlexNet.Training.Training;

/// <summary>One finished run of a recipe trained under several seeds (<c>train --seeds</c>).</summary>
/// <param name="Seed">The run's seed.</param>
/// <param name="Epochs">Epochs it trained.</param>
/// <param name="Test">Its final evaluation, read once at the end of training.</param>
public sealed record SeedRun(int Seed, int Epochs, FinalEvaluation Test);

/// <summary>
/// A recipe's result over seeds, as a paper reports one: each seed's top-1 accuracy, centre crop and ten-crop, and their
/// mean ± the sample standard deviation (n − 1) across the seeds.
/// </summary>
public static class SeedRuns
{
    /// <summary>Mean and sample standard deviation of top-1 accuracy (1 − error); the deviation is NaN for one run.</summary>
    /// <param name="runs">The runs.</param>
    /// <param name="crop">Which evaluation of each run; a run without it (no ten-crop) is an error.</param>
    public static (double Mean, double StandardDeviation) Accuracy(IReadOnlyList<SeedRun> runs, Func<FinalEvaluation, EvaluationResult?> crop)
    {
        ArgumentOutOfRangeException.ThrowIfZero(runs.Count);
        var accuracy = runs.Select(r => 1 - (crop(r.Test) ?? throw new ArgumentException($"The run of seed {r.Seed} has no such evaluation.", nameof(runs))).Top1Error).ToList();
        return (accuracy.Mean(), accuracy.Count < 2 ? double.NaN : accuracy.StandardDeviation());
    }

    /// <summary>The runs as Markdown: a table of each seed's accuracy and a mean ± sd row, under a title and the command.</summary>
    /// <param name="title">What was trained, e.g. the recipe's file name.</param>
    /// <param name="runs">The runs in seed order; at least one.</param>
    /// <param name="provenance">The command and machine that made them, or null.</param>
    public static string Markdown(string title, IReadOnlyList<SeedRun> runs, string? provenance)
    {
        ArgumentOutOfRangeException.ThrowIfZero(runs.Count);
        bool tenCrop = AllTenCrop(runs);
        var md = new StringBuilder();
        md.AppendLine($"# {title}, {runs.Count} seed{(runs.Count == 1 ? "" : "s")}").AppendLine();
        if (provenance != null) md.AppendLine(provenance).AppendLine();
        md.AppendLine($"Top-1 accuracy on the {runs[0].Test.Dataset} set ({runs[0].Test.CentreCrop.Count:N0} images), read once at the end of each run; " +
                      "the last row is the mean ± the sample standard deviation across the seeds.").AppendLine();
        md.AppendLine(tenCrop ? "| seed | epochs | centre crop | ten-crop |" : "| seed | epochs | centre crop |");
        md.AppendLine(tenCrop ? "|---:|---:|---:|---:|" : "|---:|---:|---:|");
        foreach (var r in runs)
            md.AppendLine($"| {r.Seed} | {r.Epochs} | {Percent(1 - r.Test.CentreCrop.Top1Error)} |" + (tenCrop ? $" {Percent(1 - r.Test.TenCrop!.Top1Error)} |" : ""));
        md.AppendLine($"| mean ± sd | | {MeanSd(Accuracy(runs, t => t.CentreCrop))} |" + (tenCrop ? $" {MeanSd(Accuracy(runs, t => t.TenCrop))} |" : ""));
        return md.ToString();
    }

    /// <summary>The mean ± sd of the centre crop and, when every run has one, of ten-crop, on one line:
    /// "centre crop 93.49 ± 0.11 %, ten-crop 93.80 ± 0.07 %".</summary>
    /// <param name="runs">The runs; at least one.</param>
    public static string Headline(IReadOnlyList<SeedRun> runs) =>
        $"centre crop {MeanSd(Accuracy(runs, t => t.CentreCrop))}" + (AllTenCrop(runs) ? $", ten-crop {MeanSd(Accuracy(runs, t => t.TenCrop))}" : "");

    // Ten-crop is reported only when every run was scored with it, so its mean is over the same seeds as the centre crop's.
    private static bool AllTenCrop(IReadOnlyList<SeedRun> runs) => runs.All(r => r.Test.TenCrop != null);

    /// <summary>"94.05 ± 0.12 %", or the mean alone for one run.</summary>
    /// <param name="value">Mean and standard deviation as fractions.</param>
    public static string MeanSd((double Mean, double StandardDeviation) value) =>
        double.IsNaN(value.StandardDeviation) ? Percent(value.Mean)
            : string.Create(CultureInfo.InvariantCulture, $"{100 * value.Mean:F2} ± {100 * value.StandardDeviation:F2} %");

    private static string Percent(double fraction) => string.Create(CultureInfo.InvariantCulture, $"{100 * fraction:F2} %");
}
