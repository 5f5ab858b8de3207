using System.Diagnostics;
using AlexNet.Training.Studies;

namespace AlexNet.Training.Cli;

/// <summary>The <c>study</c> command: runs the paper's ablations and writes their CSV, PNG and Markdown reports.</summary>
public static class StudyCommand
{
    internal static readonly Flag[] StudyFlags =
    [
        new("data", "Fashion-MNIST (IDX) folder for the gray studies", "data/fashion-mnist"),
        new("colour-data", "image-folder tree with train/ and val/ for pca and kernels (default: Fashion-MNIST under random coloured light)"),
        new("train-limit", "training images per arm", "2000"),
        new("eval-limit", "validation and test images per arm", "1000"),
        new("epochs", "epochs per arm", "5"),
        new("batch-size", "mini-batch size", "32"),
        new("seed", "seed shared by both arms", "1"),
        new("threshold", "training error for 'epochs to reach' (relu, dropout)", "0.25"),
        new("out", "folder for the reports", "docs/studies"),
        new("run-root", "folder for the arms' run folders", "runs/studies"),
        new("workers", "data-loading threads", "2"),
        new("threads", "TorchSharp threads (0: libtorch default)", "0"),
    ];

    private static string Names => string.Join("|", PaperStudies.All.Select(s => s.Name)) + "|kernels|all";

    /// <summary>Runs <c>study &lt;name&gt;|all [flags]</c>.</summary>
    /// <param name="args">Arguments after "study".</param>
    public static int Run(string[] args)
    {
        if (args.Length == 0 || args[0] is "--help" or "-h")
        {
            Console.WriteLine(Flags.HelpText($"usage: study <{Names}> [flags]", StudyFlags));
            return args.Length == 0 ? 2 : 0;
        }
        var name = args[0].ToLowerInvariant();
        var studies = name switch
        {
            "all" or "kernels" => name == "all" ? PaperStudies.All : [],
            _ => PaperStudies.All.Any(s => s.Name == name) ? [PaperStudies.Get(name)] : throw new UsageException($"Unknown study '{args[0]}'. Use {Names}."),
        };
        var f = new Flags(args[1..], StudyFlags);
        if (f.Help) { Console.WriteLine(Flags.HelpText($"usage: study <{Names}> [flags]", StudyFlags)); return 0; }
        var budget = new StudyBudget
        {
            Data = f.String("data")!, ColourData = f.String("colour-data"),
            TrainLimit = Positive(f, "train-limit"), EvalLimit = Positive(f, "eval-limit"), Epochs = Positive(f, "epochs"),
            BatchSize = Positive(f, "batch-size"), Seed = f.Int("seed")!.Value, Threshold = f.Double("threshold")!.Value,
            Out = f.String("out")!, RunRoot = f.String("run-root")!, Workers = Positive(f, "workers"), Threads = f.Int("threads")!.Value,
            Log = Console.Error,
        };
        var runner = new StudyRunner(budget);
        var clock = Stopwatch.StartNew();
        foreach (var s in studies)
        {
            var o = runner.Run(s);
            Console.WriteLine($"{s.Name}: {StudyReport.Verdict(o)}");
            Console.WriteLine($"  -> {Path.GetFullPath(Path.Combine(budget.Out, s.Name + ".md"))}");
        }
        if (name is "all" or "kernels")
        {
            var k = runner.RunKernels();
            Console.WriteLine("kernels: mean colourfulness per tower (init -> trained): " +
                              string.Join(", ", k.TowerColourfulness.Select((t, i) => $"tower {i + 1} {t.Initial:F3} -> {t.Trained:F3}")));
            Console.WriteLine($"  -> {Path.GetFullPath(Path.Combine(budget.Out, "kernels.md"))}");
        }
        Console.WriteLine($"total {clock.Elapsed.TotalSeconds:F0} s");
        return 0;
    }

    private static int Positive(Flags f, string name) =>
        f.Int(name) is { } v && v > 0 ? v : throw new UsageException($"--{name} must be a positive whole number.");
}
