using System.CommandLine;
using AlexNet.Onnx.Datasets;

namespace AlexNet.Samples.PipelineComposition;

/// <summary>The sample's knobs.</summary>
public sealed record CompositionOptions
{
    /// <summary>A model.onnx to take features from; null trains a short one into RunDir/model.</summary>
    public string? Model { get; init; }
    /// <summary>Fashion-MNIST folder; null finds the vendored data/fashion-mnist.</summary>
    public string? Data { get; init; }
    /// <summary>Where the image folder, the short model and the ML.NET zip go.</summary>
    public string RunDir { get; init; } = "runs/composition";
    /// <summary>Classes in the labelled folder: the first this many Fashion-MNIST classes.</summary>
    public int Classes { get; init; } = 4;
    /// <summary>Images per class, taken from the Fashion-MNIST test split (never seen by the AlexNet's training).</summary>
    public int PerClass { get; init; } = 60;
    /// <summary>Training images for the short AlexNet run when no model is given.</summary>
    public int TrainLimit { get; init; } = 10000;
    /// <summary>Fraction of the folder held out to evaluate the ML.NET classifier.</summary>
    public double TestFraction { get; init; } = 0.3;
    /// <summary>Seed for the split, the short training and ML.NET.</summary>
    public int Seed { get; init; } = 1;

    private static readonly CompositionOptions D = new();
    private static readonly Option<string?> ModelOption = new("--model") { Description = "model.onnx to take fc7 features from [default: train a short one first]" };
    private static readonly Option<string?> DataOption = new("--data") { Description = "Fashion-MNIST folder [default: the vendored data/fashion-mnist]" };
    private static readonly Option<string> RunDirOption = new("--run-dir") { Description = "where the image folder, the short model and the ML.NET zip go", DefaultValueFactory = _ => D.RunDir };
    private static readonly Option<int> ClassesOption = new Option<int>("--classes")
    {
        Description = "classes in the labelled image folder (the first N Fashion-MNIST classes)", DefaultValueFactory = _ => D.Classes,
    }.Check(v => v is >= 2 and <= 10 ? null : "must be 2 to 10");
    private static readonly Option<int> PerClassOption = new Option<int>("--per-class")
    {
        Description = "images per class, from the Fashion-MNIST test split", DefaultValueFactory = _ => D.PerClass,
    }.Check(v => v >= 2 ? null : "must be at least 2");
    private static readonly Option<int> TrainLimitOption = new Option<int>("--train-limit")
    {
        Description = "training images for the short AlexNet run when no --model is given", DefaultValueFactory = _ => D.TrainLimit,
    }.Check(v => v > 0 ? null : "must be positive");
    private static readonly Option<double> TestFractionOption = new Option<double>("--test-fraction")
    {
        Description = "fraction of the folder held out for ML.NET's evaluation", DefaultValueFactory = _ => D.TestFraction,
    }.Check(v => v is > 0 and < 1 ? null : "must be between 0 and 1");
    private static readonly Option<int> SeedOption = new("--seed") { Description = "seed for the split, the short training and ML.NET", DefaultValueFactory = _ => D.Seed };

    /// <summary>The command line.</summary>
    public static RootCommand Command() => new("Transfer learning in one ML.NET pipeline: LoadImages, AlexNet fc7 features, LbfgsMaximumEntropy. " +
        "More: README.md, \"Samples\", and docs/MLNET.md.")
    {
        ModelOption, DataOption, RunDirOption, ClassesOption, PerClassOption, TrainLimitOption, TestFractionOption, SeedOption,
    };

    /// <summary>The options a parsed command line gives.</summary>
    /// <param name="r">The parse result of <see cref="Command"/>.</param>
    public static CompositionOptions From(ParseResult r) => new()
    {
        Model = r.GetValue(ModelOption), Data = r.GetValue(DataOption), RunDir = r.GetValue(RunDirOption)!, Classes = r.GetValue(ClassesOption),
        PerClass = r.GetValue(PerClassOption), TrainLimit = r.GetValue(TrainLimitOption), TestFraction = r.GetValue(TestFractionOption), Seed = r.GetValue(SeedOption),
    };

    /// <summary>Parses a command line.</summary>
    /// <param name="args">Flags as listed by --help.</param>
    /// <exception cref="UsageException">An unknown flag or a bad value.</exception>
    public static CompositionOptions Parse(string[] args) => From(SampleCommandLine.Parse(Command(), args));

    /// <summary>The data folder in force.</summary>
    public string DataFolder => Data ?? FashionMnistFiles.FindVendoredFolder()
        ?? throw new DirectoryNotFoundException("data/fashion-mnist was not found above the working directory or the program; pass --data <folder>.");
}
