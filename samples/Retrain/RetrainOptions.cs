using System.CommandLine;

namespace AlexNet.Samples.Retrain;

/// <summary>The sample's knobs.</summary>
public sealed record RetrainOptions
{
    /// <summary>Weights to start from (a checkpoint, model.onnx, .pth or .safetensors of the small preset, 1 channel); null
    /// trains a base model on Fashion-MNIST's first five classes first.</summary>
    public string? InitFrom { get; init; }
    /// <summary>Where the photo folders, the runs and the ML.NET zip go.</summary>
    public string RunDir { get; init; } = "runs/retrain";
    /// <summary>Images per class in each photo folder.</summary>
    public int PerClass { get; init; } = 100;
    /// <summary>Epochs of the retraining (and of the base model).</summary>
    public int Epochs { get; init; } = 3;
    /// <summary>Seed for the held-out split and the training.</summary>
    public int Seed { get; init; } = 1;

    private static readonly RetrainOptions D = new();
    private static readonly Option<string?> InitFromOption = new("--init-from") { Description = "weights to start from (small preset, 1 channel) [default: train a base model on five other classes first]" };
    private static readonly Option<string> RunDirOption = new("--run-dir") { Description = "where the photo folders, the runs and the ML.NET zip go", DefaultValueFactory = _ => D.RunDir };
    private static readonly Option<int> PerClassOption = new Option<int>("--per-class")
    {
        Description = "images per class, from the Fashion-MNIST test split", DefaultValueFactory = _ => D.PerClass,
    }.Check(v => v >= 4 ? null : "must be at least 4");
    private static readonly Option<int> EpochsOption = new Option<int>("--epochs") { Description = "epochs of each training", DefaultValueFactory = _ => D.Epochs }
        .Check(v => v > 0 ? null : "must be positive");
    private static readonly Option<int> SeedOption = new("--seed") { Description = "seed for the split and the training", DefaultValueFactory = _ => D.Seed };

    /// <summary>The command line.</summary>
    public static RootCommand Command() => new("Retrain AlexNet in an ML.NET pipeline: MapValueToKey, Trainers.AlexNet from a pretrained start, " +
        "Evaluate, Save, reload, PredictionEngine. More: docs/MLNET.md, \"Retraining\".")
    {
        InitFromOption, RunDirOption, PerClassOption, EpochsOption, SeedOption,
    };

    /// <summary>The options a parsed command line gives.</summary>
    /// <param name="r">The parse result of <see cref="Command"/>.</param>
    public static RetrainOptions From(ParseResult r) => new()
    {
        InitFrom = r.GetValue(InitFromOption), RunDir = r.GetValue(RunDirOption)!, PerClass = r.GetValue(PerClassOption),
        Epochs = r.GetValue(EpochsOption), Seed = r.GetValue(SeedOption),
    };

    /// <summary>Parses a command line (tests).</summary>
    /// <param name="args">The arguments.</param>
    public static RetrainOptions Parse(string[] args) => From(SampleCommandLine.Parse(Command(), args));
}
