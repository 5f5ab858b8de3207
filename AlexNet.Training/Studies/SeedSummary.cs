using System.Globalization;
using System.Text;
using MathNet.Numerics.Distributions;
using MathNet.Numerics.Statistics;

namespace AlexNet.Training.Studies;

/// <summary>Whether the runs show the paper's direction: the sign of a study's measure, beyond the seed-to-seed spread.</summary>
public enum PaperDirection
{
    /// <summary>The mean's 95 % interval lies on the paper's side of zero.</summary>
    Seen,
    /// <summary>The interval holds zero: at this budget the runs cannot tell.</summary>
    NotSeen,
    /// <summary>The interval lies on the other side: the alternative did better.</summary>
    Reversed,
}

/// <summary>
/// One study repeated over seeds: each seed's measure, their mean, its standard error across seeds (sd / √n) and a
/// two-sided 95 % Student-t interval, from which the paper's direction is seen, not seen, or reversed. The seed-to-seed
/// spread includes the test set's sampling noise, so no separate test-size error is added. Each measure is signed so
/// that positive is the paper's direction.
/// </summary>
/// <param name="Study">The study.</param>
/// <param name="Seeds">Its outcome under each seed, in seed order.</param>
public sealed record SeedSummary(Study Study, IReadOnlyList<StudyOutcome> Seeds)
{
    /// <summary>
    /// A seed's measure, positive in the paper's direction: the alternative's test error minus the paper choice's (LRN,
    /// pooling, towers, PCA); the log of tanh's epochs over ReLU's to the training-error threshold (NaN when an arm did
    /// not reach it); the overfitting gap without dropout minus with it; centre-crop minus ten-crop test error.
    /// </summary>
    /// <param name="o">One seed's outcome.</param>
    public static double Measure(StudyOutcome o) => o.Study.Measure switch
    {
        StudyMeasure.EpochsToThreshold => o.EpochsToThreshold is ({ } paper, { } alternative) ? Math.Log(alternative / paper) : double.NaN,
        StudyMeasure.OverfittingAndConvergence => (o.OverfittingGap.Alternative ?? double.NaN) - o.OverfittingGap.Paper,
        _ => o.TestErrorDelta,
    };

    /// <summary>The measures of the seeds where it could be taken.</summary>
    public IReadOnlyList<double> Measures => [.. Seeds.Select(Measure).Where(m => !double.IsNaN(m))];

    /// <summary>Mean of <see cref="Measures"/>.</summary>
    public double Mean => Measures.Mean();

    /// <summary>Sample standard deviation of <see cref="Measures"/> over √n.</summary>
    public double StandardError => Measures.StandardDeviation() / Math.Sqrt(Measures.Count);

    /// <summary>Half the width of the two-sided 95 % Student-t interval of the mean (n − 1 degrees of freedom).</summary>
    public double HalfWidth => StudentT.InvCDF(0, 1, Measures.Count - 1, 0.975) * StandardError;

    /// <summary>Seen, not seen or reversed; with fewer than two measured seeds, not seen.</summary>
    public PaperDirection Direction =>
        Measures.Count < 2 ? PaperDirection.NotSeen
        : Mean - HalfWidth > 0 ? PaperDirection.Seen
        : Mean + HalfWidth < 0 ? PaperDirection.Reversed
        : PaperDirection.NotSeen;

    /// <summary>The report: the paper's claim, the budget, a row per seed, the mean with its spread, and the reading.</summary>
    public string Markdown()
    {
        var s = Study;
        var first = Seeds[0];
        var md = new StringBuilder();
        md.AppendLine($"# {s.Title}, {Seeds.Count} seeds").AppendLine();
        md.AppendLine($"**Paper ({s.Section}):** {s.PaperClaim}.").AppendLine();
        md.AppendLine($"**Our runs:** {first.Paper.DataName}; {Runs}").AppendLine();
        string paper = s.PaperArm.Label, alternative = s.Alternative?.Label ?? "ten-crop";
        string first2 = s.Alternative == null ? $"{paper}, centre crop" : paper;
        md.AppendLine($"| seed | test error: {first2} | test error: {alternative} | {MeasureName} |");
        md.AppendLine("|---:|---:|---:|---:|");
        foreach (var o in Seeds)
        {
            double other = o.Alternative?.Test.CentreCrop.Top1Error ?? o.Paper.Test.TenCrop?.Top1Error ?? double.NaN;
            md.AppendLine($"| {o.Budget.Seed} | {P(o.Paper.Test.CentreCrop.Top1Error)} | {P(other)} | {Format(Measure(o))} |");
        }
        md.AppendLine();
        md.AppendLine(Spread);
        md.AppendLine();
        md.AppendLine(Verdict);
        return md.ToString();
    }

    // The budget with every seed, and the command that made the runs.
    private string Runs
    {
        get
        {
            var budget = Seeds[0].Budget;
            string seeds = $"seeds {string.Join(", ", Seeds.Select(o => o.Budget.Seed))}";
            return $"{budget.Describe().Replace($"seed {budget.Seed}", seeds, StringComparison.Ordinal)}." +
                   (budget.Provenance is { } made ? " " + made : "");
        }
    }

    /// <summary>
    /// One table over studies run with the same budget and seeds: per study, the paper's claim, each seed's measure,
    /// the mean with its standard error, and the reading (seen, not seen, reversed), each study linking its own report
    /// (<c>name.md</c> beside the table).
    /// </summary>
    /// <param name="summaries">The studies, in the order of the rows; at least one.</param>
    public static string Table(IReadOnlyList<SeedSummary> summaries)
    {
        ArgumentOutOfRangeException.ThrowIfZero(summaries.Count);
        var md = new StringBuilder();
        md.AppendLine($"# The paper's claims over {summaries[0].Seeds.Count} seeds").AppendLine();
        md.AppendLine($"**Our runs:** {summaries[0].Runs}").AppendLine();
        md.AppendLine("Each measure is signed so that positive is the paper's direction; the reading is from the mean's two-sided 95 % " +
                      "Student-t interval across the seeds.").AppendLine();
        md.AppendLine("| study | paper | measure | per seed | mean (standard error) | reading |");
        md.AppendLine("|---|---|---|---|---:|---|");
        foreach (var summary in summaries)
        {
            var s = summary.Study;
            string perSeed = string.Join(", ", summary.Seeds.Select(o => $"{o.Budget.Seed}: {summary.Format(Measure(o))}"));
            string mean = summary.Measures.Count < 2 ? "n/a" : $"{summary.Format(summary.Mean)} ({summary.Format(summary.StandardError, signed: false)})";
            string reading = summary.Direction switch
            {
                PaperDirection.Seen => "**seen**",
                PaperDirection.Reversed => "**reversed**",
                _ => "not seen",
            };
            md.AppendLine($"| [{s.Title}]({s.Name}.md) | {s.PaperClaim} ({s.Section}) | {summary.MeasureName} | {perSeed} | {mean} | {reading} |");
        }
        return md.ToString();
    }

    /// <summary>The mean with its standard error and interval, in one sentence.</summary>
    public string Spread => Measures.Count < 2
        ? $"Fewer than two seeds measured {MeasureName}: no mean or spread."
        : $"Mean {MeasureName} over {Measures.Count} seeds: **{Format(Mean)}**, standard error {Format(StandardError, signed: false)} " +
          $"(sd / √{Measures.Count}); 95 % interval {Format(Mean - HalfWidth)} to {Format(Mean + HalfWidth)} (Student t, {Measures.Count - 1} degrees of freedom).";

    /// <summary>Whether the paper's direction is seen, not seen or reversed, in one sentence.</summary>
    public string Verdict => Direction switch
    {
        PaperDirection.Seen => "**The paper's direction is seen** at this budget: the interval lies on the paper's side of zero.",
        PaperDirection.Reversed => "**The paper's direction is reversed** at this budget: the interval lies on the alternative's side of zero.",
        _ => "**The paper's direction is not seen** at this budget: the interval holds zero, so these runs neither confirm nor contradict it.",
    };

    /// <summary>What <see cref="Measure"/> is for this study, positive in the paper's direction.</summary>
    public string MeasureName => Study.Measure switch
    {
        StudyMeasure.EpochsToThreshold => $"ln(tanh ÷ ReLU epochs to {(Seeds[0].Budget.Threshold * 100).ToString("F0", CultureInfo.InvariantCulture)}% training error)",
        StudyMeasure.OverfittingAndConvergence => "overfitting gap without − with dropout",
        StudyMeasure.TenCrop => "centre − ten-crop test error",
        _ => "alternative − paper test error",
    };

    private string Format(double v, bool signed = true) => double.IsNaN(v) ? "not reached"
        : (signed ? (v >= 0 ? "+" : "−") : "")
          + (Study.Measure == StudyMeasure.EpochsToThreshold ? Math.Abs(v).ToString("F3", CultureInfo.InvariantCulture) : P(Math.Abs(v)));

    private static string P(double v) => double.IsNaN(v) ? "n/a" : (v * 100).ToString("F2", CultureInfo.InvariantCulture) + "%";
}
