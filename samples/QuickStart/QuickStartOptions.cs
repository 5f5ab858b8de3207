using System.CommandLine;
using AlexNet.Onnx.Datasets;
using AlexNet.Training.Training;

namespace AlexNet.Samples.QuickStart;

/// <summary>The QuickStart's knobs; the defaults train for a few minutes on 2 CPU cores.</summary>
public sealed record QuickStartOptions
{
    /// <summary>Fashion-MNIST folder; null finds the vendored data/fashion-mnist.</summary>
    public string? Data { get; init; }
    /// <summary>Where every output goes.</summary>
    public string RunDir { get; init; } = "runs/quickstart";
    /// <summary>Training epochs.</summary>
    public int Epochs { get; init; } = 1;
    /// <summary>Use at most this many training images (55,000 without a limit).</summary>
    public int? TrainLimit { get; init; }
    /// <summary>Validation and test images to evaluate: 2,000 by default so the main job stays a few minutes; 10,000 is the whole test set.</summary>
    public int? EvalLimit { get; init; } = 2000;
    /// <summary>Mini-batch size (the trainer's default).</summary>
    public int BatchSize { get; init; } = new OptimisationOptions().BatchSize;
    /// <summary>Initial learning rate (the trainer's default).</summary>
    public double LearningRate { get; init; } = new OptimisationOptions().LearningRate;
    /// <summary>Seed for weights, shuffling, crops and dropout (the trainer's default).</summary>
    public int Seed { get; init; } = new TrainOptions().Seed;
    /// <summary>How many test images to show through a PredictionEngine.</summary>
    public int Predictions { get; init; } = 5;

    private static readonly QuickStartOptions D = new();
    private static readonly Option<string?> DataOption = new("--data") { Description = "Fashion-MNIST folder [default: the vendored data/fashion-mnist]" };
    private static readonly Option<string> RunDirOption = new("--run-dir") { Description = "where the checkpoint, curve, model.onnx, ML.NET zip and kernel grid go", DefaultValueFactory = _ => D.RunDir };
    private static readonly Option<int> EpochsOption = new Option<int>("--epochs") { Description = "training epochs", DefaultValueFactory = _ => D.Epochs }.Check(Positive);
    private static readonly Option<int?> TrainLimitOption = new Option<int?>("--train-limit") { Description = "use at most this many training images [default: all 55,000]" }.Check(Positive);
    private static readonly Option<int?> EvalLimitOption = new Option<int?>("--eval-limit")
    {
        Description = "validation and test images to evaluate (10000 for the whole test set)", DefaultValueFactory = _ => D.EvalLimit,
    }.Check(Positive);
    private static readonly Option<int> BatchOption = new Option<int>("--batch-size") { Description = "mini-batch size", DefaultValueFactory = _ => D.BatchSize }.Check(Positive);
    private static readonly Option<double> LearningRateOption = new("--lr") { Description = "initial learning rate", DefaultValueFactory = _ => D.LearningRate };
    private static readonly Option<int> SeedOption = new("--seed") { Description = "seed for weights, shuffling, crops and dropout", DefaultValueFactory = _ => D.Seed };
    private static readonly Option<int> PredictionsOption = new Option<int>("--predictions")
    {
        Description = "test images to show through a PredictionEngine", DefaultValueFactory = _ => D.Predictions,
    }.Check(v => v >= 0 ? null : "must be 0 or more");

    /// <summary>The command line: train, export, evaluate through ML.NET, save, reload, predict.</summary>
    public static RootCommand Command() => new("The main job: train the small AlexNet on Fashion-MNIST, export ONNX, classify the test set through ML.NET with ten-crop. " +
        "More: README.md, \"Two commands\", and docs/MLNET.md.")
    {
        DataOption, RunDirOption, EpochsOption, TrainLimitOption, EvalLimitOption, BatchOption, LearningRateOption, SeedOption, PredictionsOption,
    };

    /// <summary>The options a parsed command line gives.</summary>
    /// <param name="r">The parse result of <see cref="Command"/>.</param>
    public static QuickStartOptions From(ParseResult r) => new()
    {
        Data = r.GetValue(DataOption), RunDir = r.GetValue(RunDirOption)!, Epochs = r.GetValue(EpochsOption), TrainLimit = r.GetValue(TrainLimitOption),
        EvalLimit = r.GetValue(EvalLimitOption), BatchSize = r.GetValue(BatchOption), LearningRate = r.GetValue(LearningRateOption),
        Seed = r.GetValue(SeedOption), Predictions = r.GetValue(PredictionsOption),
    };

    /// <summary>Parses a command line.</summary>
    /// <param name="args">Flags as listed by --help.</param>
    /// <exception cref="UsageException">An unknown flag or a bad value.</exception>
    public static QuickStartOptions Parse(string[] args) => From(SampleCommandLine.Parse(Command(), args));

    /// <summary>The data folder in force.</summary>
    /// <exception cref="DirectoryNotFoundException">No folder given and the vendored one is not found.</exception>
    public string DataFolder => Data ?? FashionMnistFiles.FindVendoredFolder()
        ?? throw new DirectoryNotFoundException("data/fashion-mnist was not found above the working directory or the program; pass --data <folder>.");

    private static string? Positive(int v) => v > 0 ? null : "must be positive";
    private static string? Positive(int? v) => v is null or > 0 ? null : "must be positive";
}
