using AlexNet.Training.Cli;
using AlexNet.Training.Data;

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

    internal static readonly Flag[] Flags =
    [
        new("model", "model.onnx to take fc7 features from (default: train a short one first)"),
        new("data", "Fashion-MNIST folder (default: the vendored data/fashion-mnist)"),
        new("run-dir", "where the image folder, the short model and the ML.NET zip go", "runs/composition"),
        new("classes", "classes in the labelled image folder (the first N Fashion-MNIST classes)", "4"),
        new("per-class", "images per class, from the Fashion-MNIST test split", "60"),
        new("train-limit", "training images for the short AlexNet run when no --model is given", "10000"),
        new("test-fraction", "fraction of the folder held out for ML.NET's evaluation", "0.3"),
        new("seed", "seed for the split, the short training and ML.NET", "1"),
    ];

    /// <summary>Parses the command line.</summary>
    /// <param name="args">Flags as listed by --help.</param>
    /// <returns>The options, or null when --help was asked for (the help is printed).</returns>
    /// <exception cref="UsageException">An unknown flag or a bad value.</exception>
    public static CompositionOptions? Parse(string[] args)
    {
        var f = new Flags(args, Flags);
        if (f.Help)
        {
            Console.WriteLine(AlexNet.Training.Cli.Flags.HelpText("usage: dotnet run --project samples/PipelineComposition -- [flags]", Flags));
            return null;
        }
        var o = new CompositionOptions
        {
            Model = f.String("model"), Data = f.String("data"), RunDir = f.String("run-dir")!, Classes = f.Int("classes")!.Value,
            PerClass = f.Int("per-class")!.Value, TrainLimit = f.Int("train-limit")!.Value, TestFraction = f.Double("test-fraction")!.Value,
            Seed = f.Int("seed")!.Value,
        };
        if (o.Classes is < 2 or > 10 || o.PerClass < 2 || o.TrainLimit < 1 || o.TestFraction is <= 0 or >= 1)
            throw new UsageException("--classes must be 2–10, --per-class at least 2, --train-limit positive and --test-fraction between 0 and 1.");
        return o;
    }

    /// <summary>The data folder in force.</summary>
    public string DataFolder => Data ?? FashionMnist.FindVendoredFolder()
        ?? throw new DirectoryNotFoundException("data/fashion-mnist was not found above the working directory or the program; pass --data <folder>.");
}
