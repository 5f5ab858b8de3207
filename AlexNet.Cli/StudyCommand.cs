using System.CommandLine;
using System.Diagnostics;
using AlexNet.Onnx.Diagnostics;
using AlexNet.Onnx.Export;
using AlexNet.Training.Studies;

namespace AlexNet.Cli;

/// <summary><c>study</c>: runs the paper's ablations and writes their CSV, PNG and Markdown reports.</summary>
public static class StudyCommand
{
    private static string[] Names => [.. PaperStudies.All.Select(s => s.Name), "kernels", "all"];

    /// <summary>The study command; its defaults are <see cref="StudyBudget"/>'s.</summary>
    public static Command Build()
    {
        var d = new StudyBudget();
        // HelpName keeps the command list one column wide in `alexnet --help`; `study --help` lists the names.
        var name = new Argument<string>("study") { Description = $"which: {string.Join(", ", Names)}", HelpName = "name" }.AcceptOnlyFromAmong(Names);
        var data = new Option<string>("--data") { Description = "Fashion-MNIST (IDX) folder for the gray studies", DefaultValueFactory = _ => d.Data };
        var colour = new Option<string?>("--colour-data")
        {
            Description = "image-folder tree with train/ and val/ for pca and kernels [default: Fashion-MNIST under random coloured light]",
        };
        var trainLimit = new Option<int>("--train-limit") { Description = "training images per arm", DefaultValueFactory = _ => d.TrainLimit }.Positive();
        var evalLimit = new Option<int>("--eval-limit") { Description = "validation and test images per arm", DefaultValueFactory = _ => d.EvalLimit }.Positive();
        var testLimit = new Option<int?>("--test-limit") { Description = "test images per arm, scored once at the end [default: --eval-limit]" }
            .Check(v => v is null or > 0 ? null : "must be positive");
        var epochs = new Option<int>("--epochs") { Description = "epochs per arm", DefaultValueFactory = _ => d.Epochs }.Positive();
        var batch = new Option<int>("--batch-size") { Description = "mini-batch size", DefaultValueFactory = _ => d.BatchSize }.Positive();
        var seed = new Option<int>("--seed") { Description = "seed shared by both arms", DefaultValueFactory = _ => d.Seed };
        var seeds = AlexNetCommand.Seeds("run every study under each of these seeds (1,2,3), each seed's reports in OUT/seedN, and write OUT/<study>.md " +
                                         "across them: mean, standard error, and whether the paper's direction is seen [default: --seed alone]");
        var threshold = new Option<double>("--threshold") { Description = "training error for 'epochs to reach' (relu, dropout)", DefaultValueFactory = _ => d.Threshold };
        var output = new Option<string>("--out") { Description = "folder for the reports", DefaultValueFactory = _ => d.Out };
        var runRoot = new Option<string>("--run-root") { Description = "folder for the arms' run folders", DefaultValueFactory = _ => d.RunRoot };
        var workers = new Option<int>("--workers") { Description = "data-loading threads", DefaultValueFactory = _ => d.Workers }.Positive();
        var threads = new Option<int>("--threads") { Description = "TorchSharp threads (0: libtorch's default)", DefaultValueFactory = _ => d.Threads };
        var command = new Command("study", "run the paper's ablations as paired runs and write CSV, PNG and Markdown reports (docs/PAPER.md)")
        {
            name, data, colour, trainLimit, evalLimit, testLimit, epochs, batch, seed, seeds, threshold, output, runRoot, workers, threads,
        };
        command.SetAction(r =>
        {
            var which = r.GetValue(name)!;
            var budget = new StudyBudget
            {
                Data = r.GetValue(data)!, ColourData = r.GetValue(colour), TrainLimit = r.GetValue(trainLimit), EvalLimit = r.GetValue(evalLimit), TestLimit = r.GetValue(testLimit),
                Epochs = r.GetValue(epochs), BatchSize = r.GetValue(batch), Seed = r.GetValue(seed), Threshold = r.GetValue(threshold),
                Out = r.GetValue(output)!, RunRoot = r.GetValue(runRoot)!, Workers = r.GetValue(workers), Threads = r.GetValue(threads), Log = Console.Error,
                // The command as a user types it from the repository root (the arguments as given), and the machine.
                Provenance = $"Made by `dotnet run --project AlexNet.Cli -- {string.Join(' ', r.Tokens.Select(t => t.Value))}` " +
                             $"on {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, on {Environment.ProcessorCount} cores of {SystemDiagnostics.CpuModel()}.",
            };
            // GetValue gives an empty array for an absent collection option, so absence is asked of the parse result.
            int[]? across = r.GetResult(seeds) is null ? null : r.GetValue(seeds);
            if (across is { Length: 0 }) throw new UsageException("--seeds needs at least one seed, e.g. --seeds 1,2,3.");
            if (across != null && r.GetResult(seed) is { Implicit: false })
                throw new UsageException("--seed and --seeds both name the seeds; give one of them.");
            var clock = Stopwatch.StartNew();
            // Ctrl-C or SIGTERM stops the arm in training after its step with a checkpoint; the same command continues it.
            using var stop = new StopSignals();
            try
            {
                if (across is null) Run(which, new StudyRunner(budget), budget, stop.Token);
                else RunAcrossSeeds(which, across, budget, stop.Token);
            }
            catch (OperationCanceledException e) when (stop.Token.IsCancellationRequested)
            {
                Console.Error.WriteLine($"stopped: {e.Message}");
            }
            Console.WriteLine($"total {clock.Elapsed.TotalSeconds:F0} s");
            return 0;
        });
        return command;
    }

    private static IReadOnlyList<Study> Studies(string which) => which == "all" ? PaperStudies.All : which == "kernels" ? [] : [PaperStudies.Get(which)];

    // Seed by seed (so a stopped run leaves whole seeds behind), each seed's reports in OUT/seedN; then one report per
    // study across the seeds in OUT.
    private static void RunAcrossSeeds(string which, int[] seeds, StudyBudget budget, CancellationToken stop)
    {
        var outcomes = Studies(which).ToDictionary(s => s.Name, _ => new List<StudyOutcome>());
        foreach (int seed in seeds)
        {
            var seeded = budget with { Seed = seed, Out = Path.Combine(budget.Out, $"seed{seed}") };
            foreach (var (name, outcome) in Run(which, new StudyRunner(seeded), seeded, stop)) outcomes[name].Add(outcome);
        }
        Directory.CreateDirectory(budget.Out);
        var summaries = Studies(which).Select(s => new SeedSummary(s, outcomes[s.Name])).ToList();
        foreach (var summary in summaries)
        {
            string path = WriteAtomically(Path.Combine(budget.Out, summary.Study.Name + ".md"), summary.Markdown());
            Console.WriteLine($"{summary.Study.Name}, seeds {string.Join(",", seeds)}: {summary.Spread.Replace("**", "")} {summary.Verdict.Replace("**", "")}");
            Console.WriteLine($"  -> {path}");
        }
        if (summaries.Count > 0)
            Console.WriteLine($"summary table -> {WriteAtomically(Path.Combine(budget.Out, "summary.md"), SeedSummary.Table(summaries))}");
    }

    // An interrupted write leaves the previous report whole; returns the full path.
    private static string WriteAtomically(string path, string text)
    {
        AtomicFile.WriteText(path, text);
        return Path.GetFullPath(path);
    }

    // The studies asked for, then the kernels study for "all" and "kernels", each report's path printed as it is written.
    private static List<(string Name, StudyOutcome Outcome)> Run(string which, StudyRunner runner, StudyBudget budget, CancellationToken stop)
    {
        var done = new List<(string, StudyOutcome)>();
        foreach (var s in Studies(which))
        {
            var outcome = runner.Run(s, stop);
            done.Add((s.Name, outcome));
            Console.WriteLine($"{s.Name}: {StudyReport.Verdict(outcome)}");
            Console.WriteLine($"  -> {Path.GetFullPath(Path.Combine(budget.Out, s.Name + ".md"))}");
        }
        if (which is "all" or "kernels")
        {
            var k = runner.RunKernels(stop);
            Console.WriteLine("kernels: mean colourfulness per tower (init -> trained): " +
                              string.Join(", ", k.TowerColourfulness.Select((t, i) => $"tower {i + 1} {t.Initial:F3} -> {t.Trained:F3}")));
            Console.WriteLine($"  -> {Path.GetFullPath(Path.Combine(budget.Out, "kernels.md"))}");
        }
        return done;
    }
}
