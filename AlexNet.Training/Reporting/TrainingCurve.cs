using AlexNet.Training.Training;
using SkiaSharp;

namespace AlexNet.Training.Reporting;

/// <summary>
/// The training-curve PNG of a run, on one epoch axis as TensorBoard or torchvision's metric logger would show it: the
/// training loss and error every few steps (a one-epoch run is a curve, not a point), validation error at the end of
/// each epoch.
/// </summary>
public static class TrainingCurve
{
    /// <summary>Writes the curve for the run so far.</summary>
    /// <param name="path">Destination .png.</param>
    /// <param name="history">Per-epoch metrics (validation).</param>
    /// <param name="steps">Training metrics every <paramref name="logEvery"/> steps; when empty (a checkpoint from before
    /// they were kept) the per-epoch training figures are drawn instead.</param>
    /// <param name="logEvery">Steps per training point, for the legend.</param>
    public static void Write(string path, IReadOnlyList<EpochMetrics> history, IReadOnlyList<StepMetrics> steps, int logEvery)
    {
        var chart = new LineChart { Title = "Training curve", XLabel = "epoch", YLabel = "loss / error", XMin = 0 };
        if (steps.Count > 0)
        {
            chart.Series.Add(new($"train loss (every {logEvery} steps)", SKColors.Gray, steps.Select(r => (r.Epoch, r.TrainLoss)).ToList(), Dashed: true));
            chart.Series.Add(new($"train error (every {logEvery} steps)", new SKColor(31, 119, 180), steps.Select(r => (r.Epoch, r.TrainError)).ToList(), Dashed: true));
        }
        else
        {
            chart.Series.Add(new("train loss", SKColors.Gray, history.Select(r => ((double)r.Epoch, r.TrainLoss)).ToList(), Dashed: true));
            chart.Series.Add(new("train error", new SKColor(31, 119, 180), history.Select(r => ((double)r.Epoch, r.TrainError)).ToList(), Dashed: true));
        }
        chart.Series.Add(new("val error (top-1)", new SKColor(214, 39, 40), history.Select(r => ((double)r.Epoch, r.ValError)).ToList(), Markers: true));
        chart.Series.Add(new("val error (top-5)", new SKColor(255, 127, 14), history.Select(r => ((double)r.Epoch, r.ValTop5Error)).ToList(), Markers: true));
        chart.Save(path);
    }
}
