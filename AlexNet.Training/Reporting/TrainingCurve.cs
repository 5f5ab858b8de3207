using AlexNet.Training.Training;
using SkiaSharp;

namespace AlexNet.Training.Reporting;

/// <summary>The training-curve PNG of a run: loss and error per epoch.</summary>
public static class TrainingCurve
{
    /// <summary>Writes the curve for the epochs so far.</summary>
    /// <param name="path">Destination .png.</param>
    /// <param name="history">Per-epoch metrics.</param>
    public static void Write(string path, IReadOnlyList<EpochMetrics> history)
    {
        var chart = new LineChart { Title = "Training curve", XLabel = "epoch", YLabel = "loss / error" };
        chart.Series.Add(new("train loss", SKColors.Gray, history.Select(r => ((double)r.Epoch, r.TrainLoss)).ToList(), Dashed: true));
        chart.Series.Add(new("train error", new SKColor(31, 119, 180), history.Select(r => ((double)r.Epoch, r.TrainError)).ToList(), Dashed: true));
        chart.Series.Add(new("val error (top-1)", new SKColor(214, 39, 40), history.Select(r => ((double)r.Epoch, r.ValError)).ToList()));
        chart.Series.Add(new("val error (top-5)", new SKColor(255, 127, 14), history.Select(r => ((double)r.Epoch, r.ValTop5Error)).ToList()));
        chart.Save(path);
    }
}
