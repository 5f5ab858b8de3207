using System.CommandLine;
using System.Diagnostics;
using AlexNet.Onnx.Diagnostics;
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
        var threshold = new Option<double>("--threshold") { Description = "training error for 'epochs to reach' (relu, dropout)", DefaultValueFactory = _ => d.Threshold };
        var output = new Option<string>("--out") { Description = "folder for the reports", DefaultValueFactory = _ => d.Out };
        var runRoot = new Option<string>("--run-root") { Description = "folder for the arms' run folders", DefaultValueFactory = _ => d.RunRoot };
        var workers = new Option<int>("--workers") { Description = "data-loading threads", DefaultValueFactory = _ => d.Workers }.Positive();
        var threads = new Option<int>("--threads") { Description = "TorchSharp threads (0: libtorch's default)", DefaultValueFactory = _ => d.Threads };
        var command = new Command("study", "run the paper's ablations as paired runs and write CSV, PNG and Markdown reports (docs/PAPER.md)")
        {
            name, data, colour, trainLimit, evalLimit, testLimit, epochs, batch, seed, threshold, output, runRoot, workers, threads,
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
            var runner = new StudyRunner(budget);
            var clock = Stopwatch.StartNew();
            // Ctrl-C or SIGTERM stops the arm in training after its step with a checkpoint; the same command continues it.
            using var stop = new StopSignals();
            try
            {
                Run(which, runner, budget, stop.Token);
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

    // The studies asked for, then the kernels study for "all" and "kernels", each report's path printed as it is written.
    private static void Run(string which, StudyRunner runner, StudyBudget budget, CancellationToken stop)
    {
        foreach (var s in which == "all" ? PaperStudies.All : which == "kernels" ? [] : [PaperStudies.Get(which)])
        {
            var outcome = runner.Run(s, stop);
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
    }
}
