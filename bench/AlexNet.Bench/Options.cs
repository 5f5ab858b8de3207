using System.CommandLine;
using AlexNet.Samples;

namespace AlexNet.Bench;

/// <summary>What <c>AlexNet.Bench speed</c> measures and how long; a null figure takes the preset's own default.</summary>
/// <param name="Presets">small, paper or both.</param>
/// <param name="Runs">Interleaved inference rounds.</param>
/// <param name="Warmup">Warm-up rounds, not counted.</param>
/// <param name="MinSeconds">Seconds each case runs a round at least (1 small, 2 paper).</param>
/// <param name="Batch">Batch of the ready-tensor inference cases.</param>
/// <param name="TrainRuns">Training rounds (the inference rounds small, 2 paper).</param>
/// <param name="TrainSeconds">Seconds each training case runs a round at least (5 small, 1 paper).</param>
/// <param name="SkipTraining">Inference only.</param>
/// <param name="SkipInference">Training only.</param>
/// <param name="Threads">TorchSharp intra-op threads; 0 keeps its default.</param>
/// <param name="Python">The interpreter that runs bench/pytorch_reference.py, or null to leave PyTorch out.</param>
public sealed record SpeedOptions(IReadOnlyList<string> Presets, int Runs, int Warmup, double? MinSeconds, int Batch, int? TrainRuns,
    double? TrainSeconds, bool SkipTraining, bool SkipInference, int Threads, string? Python);

/// <summary>What <c>AlexNet.Bench bulk</c> measures; a null figure takes the preset's own default.</summary>
/// <param name="Presets">small, paper or both.</param>
/// <param name="Images">Rows a round scores (256 small, 32 paper).</param>
/// <param name="BatchSizes">The batch sizes compared; 1 is row by row and the first is the reference.</param>
/// <param name="Runs">Interleaved rounds.</param>
/// <param name="Warmup">Warm-up rounds, not counted.</param>
/// <param name="MinSeconds">Seconds each case runs a round at least (2 small, 5 paper).</param>
public sealed record BulkOptions(IReadOnlyList<string> Presets, int? Images, IReadOnlyList<int> BatchSizes, int Runs, int Warmup, double? MinSeconds);

/// <summary>The bench's command line on System.CommandLine: speed, bulk and memory, each writing Markdown.</summary>
public static class BenchCommandLine
{
    /// <summary>The root command; <paramref name="run"/> gets the command's Markdown producer and the output file.</summary>
    public static RootCommand Build(Func<Func<string, string>, string?, int> run)
    {
        var markdown = new Option<string?>("--markdown") { Description = "Write the Markdown fragment here instead of to stdout." };
        var presets = new Option<string[]>("--presets") { Description = "Presets to measure.", DefaultValueFactory = _ => ["small", "paper"], AllowMultipleArgumentsPerToken = true };
        presets.CustomParser = r => [.. r.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries))];
        presets.Validators.Add(r =>
        {
            foreach (var p in r.GetValueOrDefault<string[]>() ?? [])
                if (p is not ("small" or "paper")) r.AddError($"--presets {p}: not a preset; small or paper.");
        });
        var runs = new Option<int?>("--runs") { Description = "Interleaved rounds (speed 5, bulk 3)." }.Check(v => v is <= 0 ? "must be above 0" : null);
        var warmup = new Option<int>("--warmup") { Description = "Warm-up rounds, not counted.", DefaultValueFactory = _ => 1 }
            .Check(v => v < 0 ? "must be 0 or more" : null);
        var minSeconds = new Option<double?>("--min-seconds") { Description = "Seconds each case runs a round at least (preset's default)." }
            .Check(v => v is <= 0 ? "must be above 0" : null);

        var batch = Positive(new Option<int>("--batch") { Description = "Batch of the ready-tensor inference cases.", DefaultValueFactory = _ => 32 });
        var trainRuns = new Option<int?>("--train-runs") { Description = "Training rounds (the inference rounds small, 2 paper)." }
            .Check(v => v is <= 0 ? "must be above 0" : null);
        var trainSeconds = new Option<double?>("--train-seconds") { Description = "Seconds each training case runs a round (5 small, 1 paper)." }
            .Check(v => v is <= 0 ? "must be above 0" : null);
        var skipTraining = new Option<bool>("--skip-training") { Description = "Inference only." };
        var skipInference = new Option<bool>("--skip-inference") { Description = "Training only." };
        var threads = new Option<int>("--threads") { Description = "TorchSharp intra-op threads (0: its default)." }
            .Check(v => v < 0 ? "must be 0 or more" : null);
        var python = new Option<string>("--python") { Description = "Python with torch for the PyTorch peer.", DefaultValueFactory = _ => "/usr/bin/python3" };
        var noPyTorch = new Option<bool>("--no-pytorch") { Description = "Leave the PyTorch peer out." };
        var speed = new Command("speed", "Inference and training speed against the peers, in interleaved rounds.")
        {
            presets, runs, warmup, minSeconds, batch, trainRuns, trainSeconds, skipTraining, skipInference, threads, python, noPyTorch, markdown,
        };
        speed.SetAction(r =>
        {
            var options = new SpeedOptions(r.GetValue(presets)!, r.GetValue(runs) ?? 5, r.GetValue(warmup), r.GetValue(minSeconds), r.GetValue(batch),
                r.GetValue(trainRuns), r.GetValue(trainSeconds), r.GetValue(skipTraining), r.GetValue(skipInference), r.GetValue(threads),
                r.GetValue(noPyTorch) ? null : r.GetValue(python));
            return run(folder => SpeedSuite.Run(options, folder, Console.Error), r.GetValue(markdown));
        });

        var images = new Option<int?>("--images") { Description = "Rows a round scores (256 small, 32 paper)." }
            .Check(v => v is <= 0 ? "must be above 0" : null);
        var batchSizes = new Option<int[]>("--batch-sizes") { Description = "Batch sizes compared; 1 is row by row, the first is the reference.", DefaultValueFactory = _ => [1, 4, 16, 32] };
        batchSizes.CustomParser = r =>
        {
            var sizes = new List<int>();
            foreach (var part in r.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries)))
                if (int.TryParse(part, System.Globalization.CultureInfo.InvariantCulture, out int b) && b > 0) sizes.Add(b);
                else r.AddError($"--batch-sizes {part}: not a whole number above 0.");
            return [.. sizes];
        };
        var bulk = new Command("bulk", "ML.NET bulk scoring, row by row against batched, with peak memory.")
        {
            presets, images, batchSizes, runs, warmup, minSeconds, markdown,
        };
        bulk.SetAction(r =>
        {
            var options = new BulkOptions(r.GetValue(presets)!, r.GetValue(images), r.GetValue(batchSizes)!, r.GetValue(runs) ?? 3, r.GetValue(warmup), r.GetValue(minSeconds));
            return run(folder => BulkSuite.Run(options, folder, Console.Error), r.GetValue(markdown));
        });

        var what = new Option<string>("--what") { Description = "What runs many times: ML.NET predictions or training steps.", Required = true }
            .AcceptOnlyFromAmong("mlnet", "train");
        var preset = new Option<string>("--preset") { Description = "The preset.", DefaultValueFactory = _ => "small" }.AcceptOnlyFromAmong("small", "paper");
        var count = Positive(new Option<int>("--count") { Description = "Predictions or steps.", DefaultValueFactory = _ => 2000 });
        var memory = new Command("memory", "Resident memory over many predictions or training steps.") { what, preset, count, markdown };
        memory.SetAction(r => run(folder => Memory.MemorySuite.Run(r.GetValue(what)!, r.GetValue(preset)!, r.GetValue(count), folder, Console.Error), r.GetValue(markdown)));

        var profileRounds = Positive(new Option<int>("--rounds") { Description = "Rounds kept, after one warm-up.", DefaultValueFactory = _ => 3 });
        var profileBatch = Positive(new Option<int>("--batch") { Description = "Images a step.", DefaultValueFactory = _ => 128 });
        var profile = new Command("profile", "Where a training step's time goes: each operation forward and backward at the step's shapes, next to the whole step.")
        {
            presets, profileRounds, profileBatch, threads, markdown,
        };
        profile.SetAction(r =>
        {
            if (r.GetValue(threads) > 0) TorchSharp.torch.set_num_threads(r.GetValue(threads));
            return run(_ => string.Join(Environment.NewLine, r.GetValue(presets)!.Select(p =>
                Training.StepProfile.Run(p, r.GetValue(profileRounds), r.GetValue(profileBatch), Console.Error))), r.GetValue(markdown));
        });

        return new RootCommand("AlexNet.Bench: speed, bulk scoring, memory and a step's profile, as Markdown. bench/run.sh measures everything and updates docs/BENCHMARKS.md.")
        {
            speed, bulk, memory, profile,
        };
    }

    private static Option<int> Positive(Option<int> option) => option.Check(v => v <= 0 ? "must be above 0" : null);
}
