using AlexNet.Training.Training;

namespace AlexNet.Training.Studies;

/// <summary>
/// The budget every arm of every study shares: same data subset, epochs, batch and seed, so two arms differ only
/// in the one choice a study is about. Defaults fit a shared 2-core CPU; raise them for firmer numbers.
/// </summary>
public sealed record StudyBudget
{
    /// <summary>IDX (Fashion-MNIST) folder for the gray studies.</summary>
    public string Data { get; init; } = "data/fashion-mnist";
    /// <summary>
    /// A colour image-folder tree (train/ and val/) for the PCA-colour and kernel studies; null uses
    /// <see cref="IlluminatedDataset"/>: Fashion-MNIST under a random illuminant colour per image.
    /// </summary>
    public string? ColourData { get; init; }
    /// <summary>Training images per arm.</summary>
    public int TrainLimit { get; init; } = 2000;
    /// <summary>Validation and test images per arm.</summary>
    public int EvalLimit { get; init; } = 1000;
    /// <summary>Test images scored once per arm at the end; null scores <see cref="EvalLimit"/> of them, as validation.</summary>
    public int? TestLimit { get; init; }
    /// <summary>Epochs per arm.</summary>
    public int Epochs { get; init; } = 5;
    /// <summary>Mini-batch size.</summary>
    public int BatchSize { get; init; } = 32;
    /// <summary>Seed shared by both arms (weights, order, crops, colour noise, dropout).</summary>
    public int Seed { get; init; } = 1;
    /// <summary>Training-error threshold for "epochs to reach" (the paper's Figure 1 uses 25%).</summary>
    public double Threshold { get; init; } = 0.25;
    /// <summary>Where the CSV, PNG and Markdown of each study go.</summary>
    public string Out { get; init; } = "docs/studies";
    /// <summary>Where the arms' run folders (checkpoints, metrics) go.</summary>
    public string RunRoot { get; init; } = "runs/studies";
    /// <summary>Data-loading threads.</summary>
    public int Workers { get; init; } = 2;
    /// <summary>TorchSharp threads (0: libtorch's default).</summary>
    public int Threads { get; init; }
    /// <summary>How the reports were made, a sentence each report carries after its budget: the command that reproduces
    /// them and the machine, as the CLI writes it ("Made by `dotnet run …` on …, on 2 cores of …"); null leaves it out.</summary>
    public string? Provenance { get; init; }
    /// <summary>Progress output; null is silent.</summary>
    public TextWriter? Log { get; init; }

    /// <summary>The paper's choices (the small preset's defaults) under this budget; each arm changes one thing.</summary>
    public TrainOptions PaperOptions() => new()
    {
        Seed = Seed,
        Data = new() { Path = Data, TrainLimit = TrainLimit, ValLimit = EvalLimit },
        Optimisation = new() { BatchSize = BatchSize },
        Schedule = new() { Epochs = Epochs },
        Runtime = new() { Workers = Workers, Threads = Threads, TenCropAtEnd = false, Export = false, Log = Log },
    };

    /// <summary>One line describing the budget for reports.</summary>
    public string Describe() =>
        $"small preset, {TrainLimit:N0} training images, {Epochs} epochs, batch {BatchSize}, seed {Seed}, " +
        (TestLimit is { } t && t != EvalLimit ? $"validation on {EvalLimit:N0} images, test on {t:N0}" : $"validation and test on {EvalLimit:N0} images each") +
        $"; SGD lr {D.Optimisation.LearningRate:g}, momentum {D.Optimisation.Momentum:g}, " +
        $"weight decay {D.Optimisation.WeightDecay:g}, {D.Schedule.LearningRate} schedule";

    private static readonly TrainOptions D = new();
}
