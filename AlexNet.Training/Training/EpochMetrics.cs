using System.Globalization;
using AlexNet.Onnx.Export;

namespace AlexNet.Training.Training;

/// <summary>One row of metrics.csv.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="LearningRate">ε used during the epoch.</param>
/// <param name="TrainLoss">Mean cross-entropy over the epoch's batches.</param>
/// <param name="TrainError">Top-1 error on the (augmented) training batches.</param>
/// <param name="ValError">Top-1 validation error, centre crop.</param>
/// <param name="ValTop5Error">Top-5 validation error, centre crop.</param>
/// <param name="Seconds">Wall time of the epoch's training steps.</param>
/// <param name="ImagesPerSecond">Training throughput.</param>
public sealed record EpochMetrics(int Epoch, double LearningRate, double TrainLoss, double TrainError,
    double ValError, double ValTop5Error, double Seconds, double ImagesPerSecond)
{
    /// <summary>CSV header matching <see cref="ToCsv"/>.</summary>
    public const string CsvHeader = "epoch,learning_rate,train_loss,train_error,val_error,val_top5_error,seconds,images_per_second";

    /// <summary>The row as CSV (invariant culture).</summary>
    public string ToCsv() => string.Join(",", new object[] { Epoch, LearningRate, TrainLoss, TrainError, ValError, ValTop5Error, Seconds, ImagesPerSecond }
        .Select(v => Convert.ToString(v, CultureInfo.InvariantCulture)));

    /// <summary>Writes metrics.csv atomically.</summary>
    /// <param name="path">Destination.</param>
    /// <param name="rows">Rows in epoch order.</param>
    public static void WriteCsv(string path, IEnumerable<EpochMetrics> rows) => MetricsCsv.Write(path, CsvHeader, rows.Select(r => r.ToCsv()));
}

/// <summary>One row of steps.csv: the training loss and error over the steps since the previous row.</summary>
/// <param name="Step">Steps done in total when the row was taken.</param>
/// <param name="Epoch">Where in training that is, in epochs (1.5 is half-way through the second epoch).</param>
/// <param name="TrainLoss">Mean cross-entropy over those steps' images.</param>
/// <param name="TrainError">Top-1 error on those (augmented) batches.</param>
/// <param name="LearningRate">ε in use.</param>
public sealed record StepMetrics(long Step, double Epoch, double TrainLoss, double TrainError, double LearningRate)
{
    /// <summary>CSV header matching <see cref="ToCsv"/>.</summary>
    public const string CsvHeader = "step,epoch,train_loss,train_error,learning_rate";

    /// <summary>The row as CSV (invariant culture).</summary>
    public string ToCsv() => string.Join(",", new object[] { Step, Epoch, TrainLoss, TrainError, LearningRate }
        .Select(v => Convert.ToString(v, CultureInfo.InvariantCulture)));

    /// <summary>Writes steps.csv atomically.</summary>
    /// <param name="path">Destination.</param>
    /// <param name="rows">Rows in step order.</param>
    public static void WriteCsv(string path, IEnumerable<StepMetrics> rows) => MetricsCsv.Write(path, CsvHeader, rows.Select(r => r.ToCsv()));
}

// A metrics file is replaced whole, so a reader never sees half of one.
internal static class MetricsCsv
{
    public static void Write(string path, string header, IEnumerable<string> rows) => AtomicFile.Write(path, stream =>
    {
        using var writer = new StreamWriter(stream, leaveOpen: true);
        writer.WriteLine(header);
        foreach (var row in rows) writer.WriteLine(row);
    });
}
