using AlexNet.Training.Cli;
using AlexNet.Training.Data;

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
    public int? EvalLimit { get; init; }
    /// <summary>Mini-batch size.</summary>
    public int BatchSize { get; init; } = 128;
    /// <summary>Initial learning rate.</summary>
    public double LearningRate { get; init; } = 0.01;
    /// <summary>Seed for weights, shuffling, crops and dropout.</summary>
    public int Seed { get; init; } = 1;
    /// <summary>How many test images to show through a PredictionEngine.</summary>
    public int Predictions { get; init; } = 5;

    internal static readonly Flag[] Flags =
    [
        new("data", "Fashion-MNIST folder (default: the vendored data/fashion-mnist)"),
        new("run-dir", "where the checkpoint, curve, model.onnx, ML.NET zip and kernel grid go", "runs/quickstart"),
        new("epochs", "training epochs", "1"),
        new("train-limit", "use at most this many training images (default all 55,000)"),
        new("eval-limit", "validation/test images to evaluate (10000 for the whole test set)", "2000"),
        new("batch-size", "mini-batch size", "128"),
        new("lr", "initial learning rate", "0.01"),
        new("seed", "seed for weights, shuffling, crops and dropout", "1"),
        new("predictions", "test images to show through a PredictionEngine", "5"),
    ];

    /// <summary>Parses the command line.</summary>
    /// <param name="args">Flags as listed by --help.</param>
    /// <returns>The options, or null when --help was asked for (the help is printed).</returns>
    /// <exception cref="UsageException">An unknown flag or a bad value.</exception>
    public static QuickStartOptions? Parse(string[] args)
    {
        var f = new Flags(args, Flags);
        if (f.Help)
        {
            Console.WriteLine(AlexNet.Training.Cli.Flags.HelpText("usage: dotnet run --project samples/QuickStart -- [flags]", Flags));
            return null;
        }
        var o = new QuickStartOptions
        {
            Data = f.String("data"),
            RunDir = f.String("run-dir")!,
            Epochs = f.Int("epochs")!.Value,
            TrainLimit = f.Int("train-limit"),
            EvalLimit = f.Int("eval-limit"),
            BatchSize = f.Int("batch-size")!.Value,
            LearningRate = f.Double("lr")!.Value,
            Seed = f.Int("seed")!.Value,
            Predictions = f.Int("predictions")!.Value,
        };
        if (o.Epochs < 1 || o.BatchSize < 1 || o.TrainLimit < 1 || o.EvalLimit < 1 || o.Predictions < 0)
            throw new UsageException("--epochs, --batch-size, --train-limit and --eval-limit must be positive, --predictions at least 0.");
        return o;
    }

    /// <summary>The data folder in force.</summary>
    /// <exception cref="DirectoryNotFoundException">No folder given and the vendored one is not found.</exception>
    public string DataFolder => Data ?? FashionMnist.FindVendoredFolder()
        ?? throw new DirectoryNotFoundException("data/fashion-mnist was not found above the working directory or the program; pass --data <folder>.");
}
