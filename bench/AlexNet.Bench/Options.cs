using System.CommandLine;
using AlexNet.Samples;

namespace AlexNet.Bench;

/// <summary>What <c>AlexNet.Bench speed</c> measures and how long; a null figure takes the preset's own default.</summary>
/// <param name="Presets">small, paper or both.</param>
/// <param name="Runs">Interleaved inference rounds.</param>
/// <param name="Warmup">Warm-up rounds, not counted.</param>
/// <param name="MinSeconds">Seconds each case runs a round at least (1 small, 2 paper).</param>
/// <param name="Batch">Batch of the ready-tensor inference cases.</param>
/// <param name="TrainRuns">Training rounds (the inference rounds small, 3 paper).</param>
/// <param name="TrainSeconds">Seconds each training case runs a round at least (5 small, 10 paper: about three steps).</param>
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

/// <summary>
/// What <c>AlexNet.Bench transfer</c> runs: the <c>small</c> preset trained on Fashion-MNIST classes 0–4 (the source), then
/// for each seed two runs on a few images of classes 5–9 (the target) with the same budget, one starting from the
/// source's checkpoint and one from random weights. Each default is stated here once; the command line shows them.
/// </summary>
public sealed record TransferOptions
{
    /// <summary>Seeds; each gives one fine-tuned run and one from scratch with that seed.</summary>
    public IReadOnlyList<int> Seeds { get; init; } = [1, 2, 3];
    /// <summary>Training images of each target class: the first of each class in the training file, the same for every
    /// seed and both arms.</summary>
    public int PerClass { get; init; } = 100;
    /// <summary>Training images of each source class, the first in the file; all of them (5,473–5,510 a class) when null.</summary>
    public int? SourcePerClass { get; init; }
    /// <summary>Epochs of the source run.</summary>
    public int SourceEpochs { get; init; } = 4;
    /// <summary>Epochs of each target run, fine-tuned and from scratch alike.</summary>
    public int Epochs { get; init; } = 30;
    /// <summary>Batch of the source run.</summary>
    public int SourceBatchSize { get; init; } = 128;
    /// <summary>Batch of each target run.</summary>
    public int BatchSize { get; init; } = 32;
    /// <summary>Initial learning rate ε of the source run and of the runs from scratch (a cosine to 0 over each run's epochs).</summary>
    public double LearningRate { get; init; } = 0.01;
    /// <summary>Initial learning rate of the fine-tuned runs, on the same cosine; null: <see cref="LearningRate"/>.</summary>
    public double? FineTuneLearningRate { get; init; }
    /// <summary>Held-out images of each target class the target runs report per epoch (the schedule does not read them).</summary>
    public int ValidationPerClass { get; init; } = 50;
    /// <summary>Test images of each target class scored at the end; all 1,000 when null.</summary>
    public int? TestPerClass { get; init; }
    /// <summary>Score the test images with ten crops as well as the centre crop (off: on 5,000 images that costs about as
    /// much as a whole target run).</summary>
    public bool TenCrop { get; init; }
    /// <summary>Seed of the source run (one source model serves every target seed).</summary>
    public int SourceSeed { get; init; } = 1;
    /// <summary>TorchSharp intra-op threads; 0 keeps its default.</summary>
    public int Threads { get; init; }
    /// <summary>Data-loading worker threads.</summary>
    public int Workers { get; init; } = 2;
    /// <summary>Keep the run folders here; null uses the bench's temporary folder, removed at the end.</summary>
    public string? RunDir { get; init; }
}

/// <summary>The bench's command line on System.CommandLine: speed, bulk, memory and transfer, each writing Markdown.</summary>
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
        var trainRuns = new Option<int?>("--train-runs") { Description = "Training rounds (the inference rounds small, 3 paper)." }
            .Check(v => v is <= 0 ? "must be above 0" : null);
        var trainSeconds = new Option<double?>("--train-seconds") { Description = "Seconds each training case runs a round (5 small, 10 paper: about three steps)." }
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

        var stepCount = new Option<int>("--count") { Description = "Steps, the first included (it pays the first touch of every buffer).", DefaultValueFactory = _ => 8 }
            .Check(v => v < 2 ? "must be 2 or more" : null);
        var stepFormat = new Option<string>("--memory-format") { Description = "The activations' layout, as alexnet train's flag (default: the trainer's)." }
            .AcceptOnlyFromAmong("channels-last", "contiguous");
        var steps = new Command("steps", "Ours in this process as the trainer runs: one model, each step at batch 128 timed, then peak RSS; one JSON line. " +
            "For process-wide settings (bench/train-steps.sh alternates processes).") { preset, stepCount, stepFormat, threads };
        steps.SetAction(r =>
        {
            if (r.GetValue(threads) > 0) TorchSharp.torch.set_num_threads(r.GetValue(threads));
            var format = r.GetValue(stepFormat) switch { "channels-last" => AlexNet.Training.Model.MemoryFormat.ChannelsLast, "contiguous" => AlexNet.Training.Model.MemoryFormat.Contiguous, _ => (AlexNet.Training.Model.MemoryFormat?)null };
            Console.WriteLine(Training.StepTimes.Run(r.GetValue(preset)!, r.GetValue(stepCount), format, Console.Error));
            return 0;
        });

        var transfer = TransferCommand(markdown, threads, run);

        var mklRounds = Positive(new Option<int>("--rounds") { Description = "Rounds of one child process per setting.", DefaultValueFactory = _ => 3 });
        var mklSeconds = new Option<double>("--min-seconds") { Description = "Seconds each case runs a measurement at least.", DefaultValueFactory = _ => 3 }
            .Check(v => v <= 0 ? "must be above 0" : null);
        var mklBatch = Positive(new Option<int>("--batch") { Description = "Images a fine-tune step (the trainer's default batch).", DefaultValueFactory = _ => 128 });
        var mkl = new Command("mkl", "MKL told Intel (ALEXNET_MKL_INTEL_CPU=1) against its generic path (=0): sgemm and a cached fine-tune's fc step, in child processes.")
        {
            mklRounds, mklSeconds, mklBatch, threads, markdown,
        };
        mkl.SetAction(r => run(_ => Compute.MklPaths.Run(r.GetValue(mklRounds), r.GetValue(mklSeconds), r.GetValue(mklBatch), r.GetValue(threads), Console.Error),
            r.GetValue(markdown)));
        // The child `mkl` starts once per setting and round; not for use by hand.
        var mklChild = new Command("mkl-child", "One measurement of `mkl`, in the MKL path ALEXNET_MKL_INTEL_CPU selects; prints JSON.")
        {
            mklSeconds, mklBatch, threads,
        };
        mklChild.Hidden = true;
        mklChild.SetAction(r => Compute.MklPaths.ChildRun(r.GetValue(mklSeconds), r.GetValue(mklBatch), r.GetValue(threads)));

        return new RootCommand("AlexNet.Bench: speed, bulk scoring, memory, a step's profile, steps in a process of their own, transfer learning and MKL's two paths, as Markdown; " +
            "mlnet-train, the ML.NET trainer on alexnet train's data and flags. bench/run.sh measures the first three and writes docs/benchmarks/bench-run.md.")
        {
            speed, bulk, memory, profile, steps, transfer, mkl, mklChild, MlNetTrainCommand(),
        };
    }

    // `mlnet-train`: the flags bench/finetune-arms.sh gives `alexnet train`, with the CLI's names and defaults.
    private static Command MlNetTrainCommand()
    {
        var data = new Option<string>("--data") { Description = "Image folder: train/<class>/<image>, val/<class>/<image>.", Required = true };
        var runDir = new Option<string>("--run-dir") { Description = "The trainer's WorkspacePath.", Required = true };
        var preset = new Option<string>("--preset") { Description = "The preset.", DefaultValueFactory = _ => "torchvision" }.AcceptOnlyFromAmong("small", "paper", "torchvision");
        var initFrom = new Option<string?>("--init-from") { Description = "Weights to start from." };
        var freeze = new Option<string?>("--freeze") { Description = "Frozen layers, comma-separated." };
        var noAugment = new Option<bool>("--no-augment") { Description = "Centre crops only." };
        var epochs = new Option<int?>("--epochs") { Description = "Epochs (the preset's when not given)." }.Check(v => v is <= 0 ? "must be above 0" : null);
        var seed = new Option<int>("--seed") { Description = "Seed.", DefaultValueFactory = _ => new AlexNet.Training.Training.TrainOptions().Seed };
        var noTenCrop = new Option<bool>("--no-ten-crop") { Description = "One centre crop at the end and in the transformer." };
        var command = new Command("mlnet-train", "Trainers.AlexNet(...).Fit on an alexnet train image folder with its flags; the trainer's log on stderr.")
        {
            data, runDir, preset, initFrom, freeze, noAugment, epochs, seed, noTenCrop,
        };
        command.SetAction(r => Training.MlNetTrainerRun.Run(new Training.MlNetTrainOptions(r.GetValue(data)!, r.GetValue(runDir)!, r.GetValue(preset)!,
            r.GetValue(initFrom), [.. (r.GetValue(freeze) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)],
            !r.GetValue(noAugment), r.GetValue(epochs), r.GetValue(seed), !r.GetValue(noTenCrop)), Console.Error));
        return command;
    }

    // `transfer`: every default from TransferOptions, so --help shows what the record states.
    private static Command TransferCommand(Option<string?> markdown, Option<int> threads, Func<Func<string, string>, string?, int> run)
    {
        var d = new TransferOptions();
        var seeds = new Option<int[]>("--seeds") { Description = "Seeds, one fine-tuned and one scratch run each (comma-separated).", DefaultValueFactory = _ => [.. d.Seeds] };
        seeds.CustomParser = r =>
        {
            var v = WholeNumbers(r, "--seeds", min: 0);
            if (r.Tokens.Count > 0 && v.Length == 0) r.AddError("--seeds: give at least one seed.");
            else if (v.Distinct().Count() != v.Length) r.AddError($"--seeds {string.Join(',', v)}: a seed is repeated.");
            return v;
        };
        var perClass = Positive(new Option<int>("--per-class") { Description = "Training images of each target class (classes 5–9), the first in the file.", DefaultValueFactory = _ => d.PerClass });
        var sourcePerClass = new Option<int?>("--source-per-class") { Description = "Training images of each source class (classes 0–4), the first in the file; all when not given." }
            .Check(v => v is <= 0 ? "must be above 0" : null);
        var sourceEpochs = Positive(new Option<int>("--source-epochs") { Description = "Epochs of the source run.", DefaultValueFactory = _ => d.SourceEpochs });
        var epochs = Positive(new Option<int>("--epochs") { Description = "Epochs of every target run, fine-tuned and scratch alike.", DefaultValueFactory = _ => d.Epochs });
        var sourceBatch = Positive(new Option<int>("--source-batch-size") { Description = "Batch of the source run.", DefaultValueFactory = _ => d.SourceBatchSize });
        var batch = Positive(new Option<int>("--batch-size") { Description = "Batch of every target run.", DefaultValueFactory = _ => d.BatchSize });
        var lr = new Option<double>("--lr") { Description = "Initial learning rate of the source and scratch runs (cosine to 0).", DefaultValueFactory = _ => d.LearningRate }
            .Check(v => v > 0 ? null : "must be above 0");
        var fineLr = new Option<double?>("--fine-tune-lr") { Description = "Initial learning rate of the fine-tuned runs (cosine to 0); --lr when not given." }
            .Check(v => v is <= 0 ? "must be above 0" : null);
        var valPerClass = Positive(new Option<int>("--val-per-class") { Description = "Held-out images of each target class reported per epoch.", DefaultValueFactory = _ => d.ValidationPerClass });
        var testPerClass = new Option<int?>("--test-per-class") { Description = "Test images of each target class scored; all 1,000 when not given." }
            .Check(v => v is <= 0 ? "must be above 0" : null);
        var tenCrop = new Option<bool>("--ten-crop") { Description = "Score the test images with ten crops too (about one more target run's time each).", DefaultValueFactory = _ => d.TenCrop };
        var sourceSeed = new Option<int>("--source-seed") { Description = "Seed of the source run.", DefaultValueFactory = _ => d.SourceSeed };
        var workers = Positive(new Option<int>("--workers") { Description = "Data-loading threads.", DefaultValueFactory = _ => d.Workers });
        var runDir = new Option<string?>("--run-dir") { Description = "Keep the run folders here (default: a temporary folder, removed)." };
        var transfer = new Command("transfer", "Transfer learning: a small net trained on Fashion-MNIST classes 0–4, fine-tuned on a few images of classes 5–9, " +
            "against the same net from random weights with the same budget.")
        {
            seeds, perClass, sourcePerClass, sourceEpochs, epochs, sourceBatch, batch, lr, fineLr, valPerClass, testPerClass, tenCrop, sourceSeed,
            threads, workers, runDir, markdown,
        };
        transfer.SetAction(r =>
        {
            var options = new TransferOptions
            {
                Seeds = r.GetValue(seeds)!, PerClass = r.GetValue(perClass), SourcePerClass = r.GetValue(sourcePerClass), SourceEpochs = r.GetValue(sourceEpochs),
                Epochs = r.GetValue(epochs), SourceBatchSize = r.GetValue(sourceBatch), BatchSize = r.GetValue(batch), LearningRate = r.GetValue(lr),
                FineTuneLearningRate = r.GetValue(fineLr), ValidationPerClass = r.GetValue(valPerClass), TestPerClass = r.GetValue(testPerClass),
                TenCrop = r.GetValue(tenCrop), SourceSeed = r.GetValue(sourceSeed), Threads = r.GetValue(threads), Workers = r.GetValue(workers),
                RunDir = r.GetValue(runDir),
            };
            return run(folder => TransferSuite.Run(options, options.RunDir ?? folder, Console.Error), r.GetValue(markdown));
        });
        return transfer;
    }

    // A comma-separated list of whole numbers ≥ min, each wrong one reported by name.
    private static int[] WholeNumbers(System.CommandLine.Parsing.ArgumentResult r, string name, int min)
    {
        var values = new List<int>();
        foreach (var part in r.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries)))
            if (int.TryParse(part, System.Globalization.CultureInfo.InvariantCulture, out int v) && v >= min) values.Add(v);
            else r.AddError($"{name} {part}: not a whole number of at least {min}.");
        return [.. values];
    }

    private static Option<int> Positive(Option<int> option) => option.Check(v => v <= 0 ? "must be above 0" : null);
}
