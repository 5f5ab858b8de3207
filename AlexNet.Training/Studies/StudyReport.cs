using System.Globalization;
using System.Text;
using AlexNet.Onnx.Export;
using AlexNet.Training.Reporting;
using SkiaSharp;

namespace AlexNet.Training.Studies;

/// <summary>Writes a study's curves (CSV), plot (PNG) and report (Markdown) as &lt;out&gt;/&lt;name&gt;.csv|png|md.</summary>
public static class StudyReport
{
    /// <summary>CSV header: one row per arm and epoch.</summary>
    public const string CsvHeader = "study,arm,key,epoch,learning_rate,train_loss,train_error,val_error,val_top5_error,seconds,images_per_second";

    private static readonly SKColor PaperColour = new(31, 119, 180), AlternativeColour = new(214, 39, 40);

    /// <summary>Writes the three files.</summary>
    /// <param name="o">The finished study.</param>
    /// <param name="folder">Output folder.</param>
    public static void Write(StudyOutcome o, string folder)
    {
        Directory.CreateDirectory(folder);
        AtomicFile.WriteText(Path.Combine(folder, o.Study.Name + ".csv"), Csv(o));
        Chart(o).Save(Path.Combine(folder, o.Study.Name + ".png"));
        AtomicFile.WriteText(Path.Combine(folder, o.Study.Name + ".md"), Markdown(o));
    }

    /// <summary>The curves of both arms as CSV.</summary>
    /// <param name="o">The finished study.</param>
    public static string Csv(StudyOutcome o)
    {
        var sb = new StringBuilder(CsvHeader).Append('\n');
        foreach (var (label, arm) in Arms(o))
            foreach (var r in arm.History)
                sb.Append(o.Study.Name).Append(',').Append('"').Append(label).Append("\",").Append(arm.Key).Append(',').Append(r.ToCsv()[0..]).Append('\n');
        return sb.ToString();
    }

    /// <summary>Training and validation error per epoch for both arms.</summary>
    /// <param name="o">The finished study.</param>
    public static LineChart Chart(StudyOutcome o)
    {
        var chart = new LineChart { Title = $"{o.Study.Title} ({o.Paper.DataName}, seed {o.Budget.Seed})", XLabel = "epoch", YLabel = "top-1 error" };
        foreach (var (label, arm, colour) in Arms(o).Select((a, i) => (a.Label, a.Arm, i == 0 ? PaperColour : AlternativeColour)))
        {
            chart.Series.Add(new($"{label}: training", colour, arm.History.Select(r => ((double)r.Epoch, r.TrainError)).ToList(), Dashed: true));
            chart.Series.Add(new($"{label}: validation", colour, arm.History.Select(r => ((double)r.Epoch, r.ValError)).ToList()));
        }
        var epochs = o.Paper.History.Select(r => (double)r.Epoch).ToList();
        if (o.Study.Measure is StudyMeasure.EpochsToThreshold or StudyMeasure.OverfittingAndConvergence)
            chart.Series.Add(new($"threshold {P0(o.Budget.Threshold)}", SKColors.Gray, epochs.Select(e => (e, o.Budget.Threshold)).ToList(), Dashed: true));
        if (o.Study.Measure == StudyMeasure.TenCrop && o.Paper.Test.TenCrop is { } ten)
        {
            chart.Series.Add(new($"test, centre crop {o.Paper.Test.CentreCrop.Top1Error:P2}", new SKColor(255, 127, 14),
                epochs.Select(e => (e, o.Paper.Test.CentreCrop.Top1Error)).ToList()));
            chart.Series.Add(new($"test, ten-crop {ten.Top1Error:P2}", new SKColor(44, 160, 44), epochs.Select(e => (e, ten.Top1Error)).ToList()));
        }
        return chart;
    }

    /// <summary>The report: the paper's claim, our budget, a table of both arms, and our delta next to the paper's.</summary>
    /// <param name="o">The finished study.</param>
    public static string Markdown(StudyOutcome o)
    {
        var s = o.Study;
        var sb = new StringBuilder();
        sb.AppendLine($"# {s.Title}").AppendLine();
        sb.AppendLine($"**Paper ({s.Section}):** {s.PaperClaim}.").AppendLine();
        sb.AppendLine($"**Our run:** {o.Paper.DataName}; {o.Budget.Describe()}. " +
                      (o.Alternative != null ? "Both arms share the seed and every other setting." : "One trained model, scored twice.") +
                      (o.Budget.Provenance is { } made ? " " + made : "")).AppendLine();
        var arms = Arms(o).ToList();
        sb.AppendLine("| measured | " + string.Join(" | ", arms.Select(a => a.Label)) + (o.Alternative != null ? " | difference |" : " |"));
        sb.AppendLine("|---|" + string.Concat(arms.Select(_ => "---|")) + (o.Alternative != null ? "---|" : ""));
        void Row(string name, Func<ArmResult, double?> value, Func<double, string> fmt, bool diff = true)
        {
            var v = arms.Select(a => value(a.Arm)).ToList();
            sb.Append($"| {name} | ").Append(string.Join(" | ", v.Select(x => x is { } d ? fmt(d) : "not reached")));
            if (o.Alternative != null)
                sb.Append(" | ").Append(diff && v[0] is { } p && v[1] is { } q ? Signed(q - p, fmt) : "");
            sb.AppendLine(" |");
        }
        int n = o.Paper.Test.CentreCrop.Count;
        Row($"test top-1 error, centre crop ({n:N0} images)", a => a.Test.CentreCrop.Top1Error, P);
        Row("test top-5 error, centre crop", a => a.Test.CentreCrop.Top5Error, P);
        if (s.Measure == StudyMeasure.TenCrop)
        {
            Row("test top-1 error, ten-crop", a => a.Test.TenCrop?.Top1Error, P);
            Row("test top-5 error, ten-crop", a => a.Test.TenCrop?.Top5Error, P);
        }
        Row($"training top-1 error, eval mode ({o.Paper.TrainError.Count:N0} training images)", a => a.TrainError.Top1Error, P);
        Row("overfitting gap (test − training error)", a => a.Test.CentreCrop.Top1Error - a.TrainError.Top1Error, P);
        Row($"epochs to {P0(o.Budget.Threshold)} training error (augmented batches)", a => ThresholdCrossing.Epochs(a.History, o.Budget.Threshold, o.Classes), v => v.ToString("F2", CultureInfo.InvariantCulture));
        if (s.Measure is StudyMeasure.EpochsToThreshold or StudyMeasure.OverfittingAndConvergence)
            foreach (var t in new[] { 0.5, 0.4, 0.3, 0.25, 0.2 }.Where(t => Math.Abs(t - o.Budget.Threshold) > 1e-9))
                Row($"epochs to {P0(t)} training error", a => ThresholdCrossing.Epochs(a.History, t, o.Classes), v => v.ToString("F2", CultureInfo.InvariantCulture));
        Row("final epoch's training loss", a => a.History[^1].TrainLoss, v => v.ToString("F4", CultureInfo.InvariantCulture));
        Row("final epoch's validation top-1 error", a => a.History[^1].ValError, P);
        Row("best validation top-1 error, any epoch", a => a.History.Min(r => r.ValError), P);
        Row("mean validation top-1 error over the epochs", a => a.History.Average(r => r.ValError), P);
        Row("parameters", a => a.Parameters, v => v.ToString("N0", CultureInfo.InvariantCulture));
        Row("training time (steps only)", a => a.History.Sum(r => r.Seconds), v => v.ToString("F0", CultureInfo.InvariantCulture) + " s");
        Row("wall time (training, validation, final scoring" + (o.Paper.Test.TenCrop != null ? "; the paper model's includes ten-crop scoring)" : ")"),
            a => a.Seconds, v => v.ToString("F0", CultureInfo.InvariantCulture) + " s");
        Row("training throughput, last epoch", a => a.History[^1].ImagesPerSecond, v => v.ToString("F0", CultureInfo.InvariantCulture) + " images/s");
        sb.AppendLine();
        sb.AppendLine($"**Ours next to the paper's:** {Verdict(o)}").AppendLine();
        sb.AppendLine($"Curves: [{s.Name}.csv]({s.Name}.csv). Plot (dashed: training error on augmented batches with dropout on; solid: validation error):").AppendLine();
        sb.AppendLine($"![{s.Title}]({s.Name}.png)");
        return sb.ToString();
    }

    /// <summary>One sentence putting our measured difference beside the paper's.</summary>
    /// <param name="o">The finished study.</param>
    public static string Verdict(StudyOutcome o)
    {
        string noise = $"(standard error from the test-set size alone: {P(o.TestErrorDeltaStandardError)}; one seed, so seed-to-seed spread is not included)";
        switch (o.Study.Measure)
        {
            case StudyMeasure.EpochsToThreshold:
            {
                var (p, a) = o.EpochsToThreshold;
                string t = P0(o.Budget.Threshold);
                string prefix = "";
                if (p == null || a == null)
                    foreach (var looser in new[] { 0.3, 0.4, 0.5 }.Where(x => x > o.Budget.Threshold))
                        if (ThresholdCrossing.Epochs(o.Paper.History, looser, o.Classes) is { } lp && ThresholdCrossing.Epochs(o.Alternative!.History, looser, o.Classes) is { } la)
                        {
                            // When one arm did reach the threshold, say so before comparing at the looser level.
                            prefix = (p, a) switch
                            {
                                ({ } x, null) => $"ReLU reached {t} training error in {x:F2} epochs and tanh did not within {o.Budget.Epochs} epochs (a factor above {o.Budget.Epochs / x:F1}×). ",
                                (null, { } y) => $"tanh reached {t} training error in {y:F2} epochs and ReLU did not within {o.Budget.Epochs} epochs: this differs from the paper. ",
                                _ => $"Neither arm reached {t} training error within {o.Budget.Epochs} epochs. ",
                            } + $"At {P0(looser)}, the lowest level both reached: ";
                            (p, a, t) = (lp, la, P0(looser));
                            break;
                        }
                return prefix + (p, a) switch
                {
                    ({ } x, { } y) => $"tanh needed {y / x:F1}× the epochs of ReLU to reach {t} training error ({y:F2} vs {x:F2}); the paper saw 6× on CIFAR-10. " +
                                      (y / x >= 6 ? "We see at least the paper's factor." : y / x > 1 ? "Same direction, smaller factor than the paper's." : "This differs from the paper: tanh was not slower here."),
                    ({ } x, null) => $"ReLU reached {t} training error in {x:F2} epochs; tanh did not within {o.Budget.Epochs} epochs, so the factor is above {o.Budget.Epochs / x:F1}× (paper: 6×).",
                    (null, { } y) => $"tanh reached {t} in {y:F2} epochs and ReLU did not: this differs from the paper.",
                    _ => $"Neither arm reached {t} training error within {o.Budget.Epochs} epochs; raise --epochs or --threshold.",
                };
            }
            case StudyMeasure.OverfittingAndConvergence:
            {
                var (gp, ga) = o.OverfittingGap;
                var (ep, ea) = o.EpochsToThreshold;
                string gaps = $"Overfitting gap (test − training error): {P(gp)} with dropout, {P(ga ?? double.NaN)} without" +
                              (ga > gp ? " — dropout reduced overfitting, as the paper says." : " — dropout did not reduce the gap here, unlike the paper.");
                string speed = ep is { } x && ea is { } y
                    ? $" Epochs to {P0(o.Budget.Threshold)} training error: {x:F2} with dropout, {y:F2} without ({x / y:F1}×; the paper: about 2×)."
                    : $" Epochs to {P0(o.Budget.Threshold)} training error: {(ep is { } a ? a.ToString("F2") : "not reached")} with dropout, {(ea is { } b ? b.ToString("F2") : "not reached")} without (the paper: about 2×).";
                return gaps + speed + $" Test error difference (no dropout − dropout): {Signed(o.TestErrorDelta, P)} {noise}.";
            }
            case StudyMeasure.TenCrop:
                return $"ten-crop changed test top-1 error by {Signed(-o.TestErrorDelta, P)} against the centre crop {noise}. " +
                       "The paper gives no separate figure for ten-crop averaging." +
                       (o.TestErrorDelta > 0 ? " Ten-crop helped, in the direction the paper's use of it implies." : " Ten-crop did not help here.");
            default:
            {
                string claim = $"our difference (alternative − paper's choice) in test top-1 error is {Signed(o.TestErrorDelta, P)} {noise}; the paper's: {PaperDelta(o.Study.Name)}.";
                if (!o.Significant) return claim + " Within the noise at this budget: this run neither confirms nor contradicts the paper.";
                return claim + (o.TestErrorDelta > 0 ? " Same direction as the paper." : " This differs from the paper: the alternative did better here.");
            }
        }
    }

    private static string PaperDelta(string study) => study switch
    {
        "lrn" or "lrn-scaled" => "+1.4% (ImageNet top-1), +2% (CIFAR-10)",
        "pooling" => "+0.4% (ImageNet top-1)",
        "towers" => "+1.7% (ImageNet top-1)",
        "pca" => "over +1% (ImageNet top-1)",
        _ => "not given",
    };

    private static IEnumerable<(string Label, ArmResult Arm)> Arms(StudyOutcome o)
    {
        yield return (o.Study.PaperArm.Label, o.Paper);
        if (o.Alternative != null) yield return (o.Study.Alternative!.Label, o.Alternative);
    }

    private static string P0(double v) => (v * 100).ToString("F0", CultureInfo.InvariantCulture) + "%";
    private static string P(double v) => double.IsNaN(v) ? "n/a" : (v * 100).ToString("F2", CultureInfo.InvariantCulture) + "%";
    private static string Signed(double v, Func<double, string> fmt) => (v >= 0 ? "+" : "−") + fmt(Math.Abs(v));
}
