using AlexNet.MLNet.Training;
using AlexNet.Training.Data;
using Microsoft.ML;
using Microsoft.ML.Runtime;

namespace AlexNet.Bench.Training;

/// <summary>What <c>AlexNet.Bench mlnet-train</c> runs: <c>alexnet train</c>'s flags of the same names, as
/// <see cref="AlexNetTrainer.Options"/>.</summary>
/// <param name="Data">A folder as <c>alexnet train --data</c> reads it: train/&lt;class&gt;/&lt;image&gt; and val/&lt;class&gt;/&lt;image&gt;.</param>
/// <param name="Workspace">The run folder (<c>--run-dir</c>).</param>
/// <param name="Preset">The preset.</param>
/// <param name="InitFrom">Weights to start from.</param>
/// <param name="Freeze">Frozen layers.</param>
/// <param name="Augment">Random crops, flips and colour noise (<c>--no-augment</c> turns them off).</param>
/// <param name="Epochs">Epochs; null: the preset's.</param>
/// <param name="Seed">Seed.</param>
/// <param name="TenCrop">Ten-crop evaluation at the end and in the returned transformer.</param>
public sealed record MlNetTrainOptions(string Data, string Workspace, string Preset, string? InitFrom, IReadOnlyList<string> Freeze, bool Augment,
    int? Epochs, int Seed, bool TenCrop);

/// <summary>
/// <c>Trainers.AlexNet(...).Fit</c> on an image folder, lined up with <c>alexnet train</c> as CliEquivalenceTests lines
/// them up (rows in the CLI's order, the label keyed in sorted class order, val/ as the ValidationSet), so the two train
/// the same weights and bench/finetune-arms.sh can time one against the other. The trainer's log messages go to stderr,
/// one line each as the CLI writes them, between "bench:" lines that mark where <c>Fit</c> starts and returns.
/// </summary>
public static class MlNetTrainerRun
{
    /// <summary>A row: an image file and its class folder's name.</summary>
    public sealed class Row
    {
        /// <summary>The image file.</summary>
        public string ImagePath { get; set; } = "";
        /// <summary>The class.</summary>
        public string Label { get; set; } = "";
    }

    /// <summary>Trains and returns 0.</summary>
    /// <param name="o">What to train.</param>
    /// <param name="log">Where the log lines go.</param>
    public static int Run(MlNetTrainOptions o, TextWriter log)
    {
        var ml = new MLContext(seed: 1);
        ml.Log += (_, e) =>
        {
            if (e.Kind != ChannelMessageKind.Trace && e.Source.StartsWith(nameof(AlexNetTrainer), StringComparison.Ordinal)) log.WriteLine(e.RawMessage);
        };
        var train = ml.Data.LoadFromEnumerable(Rows(Path.Combine(o.Data, "train")));
        var key = ml.Transforms.Conversion.MapValueToKey(nameof(Row.Label)).Fit(train);
        var options = new AlexNetTrainer.Options
        {
            FeatureColumnName = nameof(Row.ImagePath), Preset = o.Preset, InitFrom = o.InitFrom, Freeze = o.Freeze, Augment = o.Augment,
            Epoch = o.Epochs, Seed = o.Seed, TenCrop = o.TenCrop, WorkspacePath = o.Workspace,
            ValidationSet = key.Transform(ml.Data.LoadFromEnumerable(Rows(Path.Combine(o.Data, "val")))),
        };
        log.WriteLine("bench: Fit starts");
        using var model = ml.MulticlassClassification.Trainers.AlexNet(options).Fit(key.Transform(train));
        log.WriteLine("bench: Fit returned");
        return 0;
    }

    // The CLI's order: class folders, then files, each in ordinal name order.
    private static List<Row> Rows(string folder) =>
        [.. Directory.GetDirectories(folder).Order(StringComparer.Ordinal)
            .SelectMany(c => ImageFiles.In(c).Select(f => new Row { ImagePath = f, Label = Path.GetFileName(c) }))];
}
