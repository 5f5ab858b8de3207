using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using AlexNet.Onnx.Diagnostics;
using AlexNet.Onnx.Export;
using AlexNet.Onnx.Model;
using AlexNet.Training.FineTuning;
using AlexNet.Training.Model;
using AlexNet.Training.Training;

namespace AlexNet.Cli;

/// <summary>
/// <c>train</c>: one flag per <see cref="TrainOptions"/> knob, its default read from the options records (stated there
/// once), over a recipe file when <c>--config</c> names one. On <c>--resume</c> the run's identity comes from its
/// checkpoint and only the runtime flags (and <c>--epochs</c>) apply; an identity flag that disagrees is a usage error
/// naming both values.
/// </summary>
public static class TrainCommand
{
    private static readonly TrainOptions Defaults = new();
    private static readonly Option<FileInfo> Config = new("--config")
    {
        Description = "a recipe: a JSON file of training options (recipes/*.json); flags given beside it override it",
    };
    private static readonly Option<bool> Resume = new("--resume") { Description = "continue the run in --run-dir from its checkpoint" };
    private static readonly Option<int[]> Seeds = AlexNetCommand.Seeds(
        "train the same run under each of these seeds (1,2,3), each in RUN_DIR/seedN (a stopped one continues, a finished one is reused), " +
        $"then write RUN_DIR/{SeedsReport}: each seed's top-1 test accuracy, centre crop and ten-crop, and the mean ± sd [default: --seed alone]");

    /// <summary>The report <c>--seeds</c> writes in the run folder.</summary>
    public const string SeedsReport = "seeds.md";

    // --memory-format's values: PyTorch's names with a hyphen, as the other flags' values are written (before Knobs, whose help reads them).
    private static readonly Dictionary<MemoryFormat, string> MemoryFormatNames = new()
    {
        [MemoryFormat.ChannelsLast] = "channels-last",
        [MemoryFormat.Contiguous] = "contiguous",
    };

    // In help order: data, architecture, optimisation, schedule, augmentation, seed, then runtime.
    private static readonly Knob[] Knobs =
    [
        Value("data", "IDX folder (Fashion-MNIST) or an ImageNet-style folder with train/ and val/", o => o.Data.Path, (o, v) => o with { Data = o.Data with { Path = v } }),
        Value("channels", "channels read from image folders: 3, or 1 for gray", o => o.Data.Channels, (o, v) => o with { Data = o.Data with { Channels = v } }, Positive),
        Value("train-limit", "use at most this many training images", o => o.Data.TrainLimit ?? 0, (o, v) => o with { Data = o.Data with { TrainLimit = v } }, Positive, "all"),
        Value("eval-limit", "use at most this many validation and test images", o => o.Data.ValLimit ?? 0, (o, v) => o with { Data = o.Data with { ValLimit = v } }, Positive, "all"),

        Value("preset", "paper (227 crops of 256 images), small (28 crops of 32 images) or torchvision (its AlexNet, whose ImageNet weights --init-from loads)",
            o => o.Architecture.Preset, (o, v) => o with { Architecture = o.Architecture with { Preset = v } },
            v => AlexNetArchitecture.PresetNames.Contains(v) ? null : $"must be {string.Join(", ", AlexNetArchitecture.PresetNames.SkipLast(1))} or {AlexNetArchitecture.PresetNames[^1]}"),
        Value("crop-size", "side of the crops the network sees; the resize side follows at the paper's 256:227", o => o.Architecture.CropSize ?? 0,
            (o, v) => o with { Architecture = o.Architecture with { CropSize = v } }, Positive, "the preset's: 28 or 227"),
        Value("resize-size", "side images are resized to before cropping", o => o.Architecture.ResizeSize ?? 0,
            (o, v) => o with { Architecture = o.Architecture with { ResizeSize = v } }, Positive, "the preset's: 32 or 256"),
        Value("crop-padding", "zero pixels on each side of the resized image before crops are cut (torchvision's RandomCrop padding)", o => o.Architecture.CropPadding ?? 0,
            (o, v) => o with { Architecture = o.Architecture with { CropPadding = v } }, v => v >= 0 ? null : "must be 0 or more", "the preset's: 0"),
        Value("activation", "relu or tanh (Figure 1)", o => o.Architecture.Activation, (o, v) => o with { Architecture = o.Architecture with { Activation = v } }),
        Switch("lrn", "local response normalisation after conv1 and conv2 (section 3.3)", o => o.Architecture.Lrn, (o, v) => o with { Architecture = o.Architecture with { Lrn = v } }),
        Value("lrn-alpha", "LRN's α as the paper writes it, for raw 0–255 pixels (×255² gives 0–1 pixels the same strength)", o => o.Architecture.LrnAlpha,
            (o, v) => o with { Architecture = o.Architecture with { LrnAlpha = v } }, PositiveNumber),
        Switch("batch-norm", "batch normalisation between each conv layer and its ReLU (not in the paper; folded into the convs on export)",
            o => o.Architecture.BatchNorm, (o, v) => o with { Architecture = o.Architecture with { BatchNorm = v } }),
        Switch("overlapping-pooling", "3×3 stride-2 pooling (off: 2×2 stride 2; section 3.4)", o => o.Architecture.OverlappingPooling,
            (o, v) => o with { Architecture = o.Architecture with { OverlappingPooling = v } }),
        Switch("one-tower", "one tower with half the kernels instead of two", o => o.Architecture.OneTower, (o, v) => o with { Architecture = o.Architecture with { OneTower = v } }),
        Value("width", "multiplies every layer's kernels and units, fc8 excepted (1.5: about 2.2× the FLOPs)", o => o.Architecture.Width,
            (o, v) => o with { Architecture = o.Architecture with { Width = v } }, PositiveNumber),
        Value("dropout", "dropout probability on fc6 and fc7 (section 4.2; inverted, see README)", o => o.Architecture.Dropout,
            (o, v) => o with { Architecture = o.Architecture with { Dropout = v } }, v => v is >= 0 and < 1 ? null : "must be at least 0 and below 1"),
        Value("pixel-scale", "value one 8-bit level maps to", o => o.Architecture.PixelScale ?? 0, (o, v) => o with { Architecture = o.Architecture with { PixelScale = v } },
            PositiveNumber, "1 with --init paper, 1/255 with kaiming"),

        Value("batch-size", "mini-batch size", o => o.Optimisation.BatchSize, (o, v) => o with { Optimisation = o.Optimisation with { BatchSize = v } }, Positive),
        Value("lr", "initial learning rate ε", o => o.Optimisation.LearningRate, (o, v) => o with { Optimisation = o.Optimisation with { LearningRate = v } }, PositiveNumber),
        Value("momentum", "momentum μ", o => o.Optimisation.Momentum, (o, v) => o with { Optimisation = o.Optimisation with { Momentum = v } },
            v => v is >= 0 and < 1 ? null : "must be at least 0 and below 1"),
        Value("weight-decay", "weight decay λ", o => o.Optimisation.WeightDecay, (o, v) => o with { Optimisation = o.Optimisation with { WeightDecay = v } },
            v => v >= 0 ? null : "must be 0 or more"),
        Value("label-smoothing", "share of the target spread over all classes (PyTorch's CrossEntropyLoss label_smoothing; not in the paper)",
            o => o.Optimisation.LabelSmoothing, (o, v) => o with { Optimisation = o.Optimisation with { LabelSmoothing = v } }, v => v is >= 0 and < 1 ? null : "must be at least 0 and below 1"),
        Value("init", "kaiming, or paper: N(0, 0.01), biases 1 in conv2, conv4, conv5, fc6, fc7", o => o.Optimisation.Init, (o, v) => o with { Optimisation = o.Optimisation with { Init = v } }),

        Value("init-from", "start a new run from the weights in this file: a checkpoint, a model.onnx, a PyTorch state dict (.pth) or .safetensors; " +
            "matched by name and shape, a head of another class count starts afresh", o => o.FineTuning.InitFrom ?? "",
            (o, v) => o with { FineTuning = o.FineTuning with { InitFrom = v } }, defaultText: "none: --init's random weights"),
        Value("freeze", "layers that do not train: names, ranges or groups, e.g. conv1-conv5, features (the convs), classifier (fc6-fc8), conv1,conv2",
            o => string.Join(",", o.FineTuning.Freeze), (o, v) => o with { FineTuning = o.FineTuning with { Freeze = [.. v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)] } },
            defaultText: "none"),
        Value("head-lr", "learning rate of the classifier head (fc8), as its own parameter group; the schedule moves it with --lr", o => o.FineTuning.HeadLearningRate ?? 0,
            (o, v) => o with { FineTuning = o.FineTuning with { HeadLearningRate = v } }, PositiveNumber, "--lr"),

        Value("epochs", "epochs to train; a resumed run may be given more", o => o.Epochs, (o, v) => o with { Schedule = o.Schedule with { Epochs = v } }, Positive,
            "the preset's: 90 for paper, 10 for small and torchvision (a fine-tune)", identity: false),
        new ScheduleKnob(),

        Switch("augment", "random crops and flips (off: centre crops)", o => o.Augmentation.RandomCrops, (o, v) => o with { Augmentation = o.Augmentation with { RandomCrops = v } }),
        Switch("pca-lighting", "PCA colour augmentation, 3-channel data (section 4.1)", o => o.Augmentation.PcaLighting,
            (o, v) => o with { Augmentation = o.Augmentation with { PcaLighting = v } }),
        Value("random-erasing", "probability that a training crop gets a rectangle set to the mean (Zhong et al. 2017; not in the paper)",
            o => o.Augmentation.RandomErasing, (o, v) => o with { Augmentation = o.Augmentation with { RandomErasing = v } }, v => v is >= 0 and <= 1 ? null : "must be between 0 and 1"),

        Value("seed", "seed for weights, shuffling, crops, colour noise and dropout", o => o.Seed, (o, v) => o with { Seed = v }),

        Value("run-dir", "where checkpoints, metrics, the curve and model.onnx go", o => o.Runtime.RunDir, (o, v) => o with { Runtime = o.Runtime with { RunDir = v } },
            defaultText: "runs/<preset>-<time>", identity: false),
        Value("devices", "cpu or cuda (towers together), or one per tower: cuda:0,cuda:1", o => o.Runtime.Devices,
            (o, v) => o with { Runtime = o.Runtime with { Devices = v } }, identity: false),
        Value("threads", "TorchSharp intra-op threads (0: libtorch's default)", o => o.Runtime.Threads, (o, v) => o with { Runtime = o.Runtime with { Threads = v } },
            v => v >= 0 ? null : "must be 0 or more", identity: false),
        Value("workers", "data-loading threads", o => o.Runtime.Workers, (o, v) => o with { Runtime = o.Runtime with { Workers = v } }, Positive, identity: false),
        Value("log-every", "record the training loss and error every N steps (steps.csv, the curve); validation stays per epoch", o => o.Runtime.LogEvery,
            (o, v) => o with { Runtime = o.Runtime with { LogEvery = v } }, Positive, identity: false),
        Value("max-steps", "stop after this many steps in total, with a checkpoint (smoke runs)", o => o.Runtime.MaxSteps ?? 0L,
            (o, v) => o with { Runtime = o.Runtime with { MaxSteps = v } }, v => v > 0 ? null : "must be positive", "no limit", identity: false),
        Switch("ten-crop", "ten-crop evaluation at the end (section 4.1)", o => o.Runtime.TenCropAtEnd, (o, v) => o with { Runtime = o.Runtime with { TenCropAtEnd = v } }, identity: false),
        Switch("export", "write model.onnx at the end", o => o.Runtime.Export, (o, v) => o with { Runtime = o.Runtime with { Export = v } }, identity: false),
        Switch("bottleneck-cache", "with every conv frozen (--freeze features) and --no-augment: run the convs once per image and train the fully " +
            $"connected layers on their stored output (in memory up to {BottleneckStore.MemoryLimitBytes >> 30} GiB, else in files in --run-dir), as ML.NET's image trainer does",
            o => o.Runtime.BottleneckCache, (o, v) => o with { Runtime = o.Runtime with { BottleneckCache = v } }, identity: false),
        Value("memory-format", "layout of the conv layers' activations on the CPU: channels-last (NHWC, PyTorch's torch.channels_last, what oneDNN's " +
            "convolutions compute in) or contiguous (NCHW, torch.contiguous_format); the same training within float rounding",
            o => MemoryFormatNames[o.Runtime.MemoryFormat], (o, v) => o with { Runtime = o.Runtime with { MemoryFormat = MemoryFormatNames.Single(n => n.Value == v).Key } },
            v => MemoryFormatNames.ContainsValue(v) ? null : $"must be {string.Join(" or ", MemoryFormatNames.Values)}", identity: false),
        Value("resume-lr", "with --resume: continue at this rate (a ÷10 by hand, as the paper's authors did)", o => o.Runtime.ResumeLearningRate ?? 0,
            (o, v) => o with { Runtime = o.Runtime with { ResumeLearningRate = v } }, PositiveNumber, "the checkpoint's", identity: false),
    ];

    /// <summary>The train command.</summary>
    public static Command Build()
    {
        var command = new Command("train", "train a model (default: the small preset on the vendored Fashion-MNIST)") { Config, Resume, Seeds };
        foreach (var option in Knobs.SelectMany(k => k.Options)) command.Options.Add(option);
        // GetValue gives an empty array for an absent collection option, so absence is asked of the parse result.
        command.SetAction(r =>
        {
            if (r.GetResult(Seeds) is not null) TrainSeeds(r);
            else Train(Plan(r));
        });
        return command;
    }

    // Seed by seed, each in RUN_DIR/seedN: a finished run (its final evaluation written, every epoch trained) is read back,
    // a stopped one continues from its checkpoint, a missing one starts; with every seed finished, RUN_DIR/seeds.md.
    private static void TrainSeeds(ParseResult r)
    {
        var seeds = r.GetValue(Seeds)!;
        if (seeds.Length == 0) throw new UsageException("--seeds needs at least one seed, e.g. --seeds 1,2,3.");
        if (Knobs.Single(k => k.Name == "seed").Given(r)) throw new UsageException("--seed and --seeds both name the seeds; give one of them.");
        if (seeds.GroupBy(v => v).FirstOrDefault(g => g.Count() > 1) is { } twice) throw new UsageException($"--seeds names seed {twice.Key} twice; give each seed once.");
        if (r.GetValue(Resume))
            throw new UsageException("--seeds continues each seed's stopped run by itself: drop --resume and give the command that started the runs again.");
        var (o, channels) = Plan(r);
        var runs = new List<SeedRun>();
        foreach (int seed in seeds)
        {
            var planned = o with { Seed = seed, Runtime = o.Runtime with { RunDir = Path.Combine(o.Runtime.RunDir, $"seed{seed}") } };
            var checkpoint = Path.Combine(planned.Runtime.RunDir, Trainer.CheckpointFile);
            var finished = Path.Combine(planned.Runtime.RunDir, FinalEvaluation.FileName);
            var stored = File.Exists(checkpoint) ? Checkpoint.ReadState<TrainingState>(checkpoint) : null;
            if (stored is not null)
            {
                RefuseAnotherRun(planned, stored.Options, checkpoint);
                planned = planned.ResumedFrom(stored.Options);
                if (stored.CompletedEpochs >= planned.Epochs && File.Exists(finished))
                {
                    var test = FinalEvaluation.Read(finished);
                    Console.Error.WriteLine($"seed {seed}: finished earlier ({stored.CompletedEpochs} epochs), its final evaluation read from {finished}");
                    runs.Add(new SeedRun(seed, stored.CompletedEpochs, test));
                    continue;
                }
            }
            Console.Error.WriteLine($"seed {seed}: {(stored is null ? "starting" : $"continuing from epoch {stored.CompletedEpochs}")} in {planned.Runtime.RunDir}");
            var result = Train((planned, stored?.Channels ?? channels));
            if (result.Interrupted || result.Test is null)
            {
                Console.WriteLine($"stopped in seed {seed}; the same command continues it");
                return;
            }
            runs.Add(new SeedRun(seed, result.State.CompletedEpochs, result.Test));
        }
        var recipe = r.GetValue(Config);
        string report = Path.Combine(o.Runtime.RunDir, SeedsReport);
        string provenance = $"Made by `dotnet run --project AlexNet.Cli -- {string.Join(' ', r.Tokens.Select(t => t.Value))}` " +
                            $"on {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, on {Environment.ProcessorCount} cores of {SystemDiagnostics.CpuModel()}; each seed's run in seedN beside this file.";
        string markdown = SeedRuns.Markdown(recipe is null ? "train" : $"Recipe {recipe.Name}", runs, provenance);
        AtomicFile.WriteText(report, markdown);
        Console.WriteLine($"top-1 accuracy over seeds {string.Join(",", seeds)}: {SeedRuns.Headline(runs)} (mean ± sd)");
        Console.WriteLine($"report:     {Path.GetFullPath(report)}");
    }

    // A seed's folder that holds a run of other settings is not taken over: the identity must be this command's.
    private static void RefuseAnotherRun(TrainOptions planned, TrainOptions stored, string checkpoint)
    {
        foreach (var knob in Knobs.Where(k => k.Identity))
        {
            object? theirs = knob.Read(stored), mine = knob.Read(planned);
            if (!Equals(mine, theirs))
                throw new UsageException($"--seeds: {checkpoint} is a run with {knob.Name} {Format(theirs)}, but this command gives {Format(mine)}. " +
                                         "Give the settings that run was started with, or another --run-dir.");
        }
    }

    /// <summary>The options a parsed train command line stands for: defaults or a recipe, the flags given over them, and on
    /// --resume the stored run's identity with this command line's runtime settings.</summary>
    /// <param name="r">A parsed train command line.</param>
    /// <exception cref="UsageException">Flags that do not fit together, or an identity flag that disagrees with the run's.</exception>
    public static TrainOptions Options(ParseResult r) => Plan(r).Options;

    // The options and the channels to open image folders with: the flag's for a new run, the checkpoint's on --resume
    // (read there once, with the stored identity).
    private static (TrainOptions Options, int Channels) Plan(ParseResult r)
    {
        bool resume = r.GetValue(Resume);
        var recipe = r.GetValue(Config);
        if (resume && recipe is not null)
            throw new UsageException("--config starts a run from a recipe; a resumed run takes its settings from its checkpoint. Give one of --config and --resume.");
        var o = recipe is null ? Defaults : Recipe.Load(recipe.FullName);
        foreach (var knob in Knobs.Where(k => k.Given(r))) o = knob.Apply(o, r);
        bool runDirGiven = Knobs.Single(k => k.Name == "run-dir").Given(r);
        o = o with { Runtime = o.Runtime with { Resume = resume, Log = Console.Error } };
        if (!runDirGiven && o.Runtime.RunDir.Length == 0)
        {
            if (resume) throw new UsageException("--resume needs --run-dir: the folder of the run to continue.");
            o = o with { Runtime = o.Runtime with { RunDir = RuntimeOptions.DefaultRunDir(o.Architecture.Preset, DateTime.Now) } };
        }
        if (o.Runtime.ResumeLearningRate is not null && !resume) throw new UsageException("--resume-lr needs --resume.");
        if (resume && Knobs.Single(k => k.Name == "init-from").Given(r))
            throw new UsageException("--resume continues this run from its own checkpoint (weights, velocities, step); --init-from starts a new run from " +
                                     "another file's weights. Give one of them: a new --run-dir for --init-from.");
        if (resume) return Resumed(o, r);

        if (o.Schedule.LearningRate is LearningRateSchedule.Cosine { Period: var t } && o.Epochs > t)
            throw new UsageException($"--schedule cosine:{t} reaches ε = 0 after epoch {t}; --epochs {o.Epochs} would train on at 0. Give --schedule cosine:{o.Epochs} (or cosine).");
        try
        {
            o.BuildArchitecture(numClasses: 1, channels: o.Data.Channels);
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"--crop-size/--resize-size/--crop-padding: {e.Message}");
        }
        try
        {
            FrozenLayers.Resolve(o.FineTuning.Freeze, o.BuildArchitecture(numClasses: 1, channels: o.Data.Channels));
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"--freeze: {e.Message}");
        }
        if (o.FineTuning.InitFrom is { } start && !File.Exists(start))
            throw new UsageException($"--init-from: '{start}' does not exist.");
        return (o, o.Data.Channels);
    }

    // The checkpoint's identity, this command line's runtime settings; an identity flag may only repeat the stored value.
    private static (TrainOptions Options, int Channels) Resumed(TrainOptions given, ParseResult r)
    {
        var checkpoint = Path.Combine(given.Runtime.RunDir, Trainer.CheckpointFile);
        if (!File.Exists(checkpoint)) throw new FileNotFoundException($"--resume: no checkpoint at '{checkpoint}'.", checkpoint);
        var state = Checkpoint.ReadState<TrainingState>(checkpoint);
        var stored = state.Options;
        foreach (var knob in Knobs.Where(k => k.Identity && k.Given(r)))
        {
            object? theirs = knob.Read(stored), mine = knob.Read(knob.Apply(stored, r));
            if (!Equals(mine, theirs))
                throw new UsageException(
                    $"{knob.Flag(r)} gives {Format(mine)}, but this run's {knob.Name} is {Format(theirs)} (from {checkpoint}). A resumed run keeps what it was " +
                    $"started with (data, architecture, optimisation, schedule, augmentation, seed); only runtime flags such as --devices, --workers, " +
                    $"--threads, --no-export and --epochs change. Drop {knob.Flag(r)}, or start a new run with another --run-dir.");
        }
        return (given.ResumedFrom(stored), state.Channels);
    }

    // Opens the data as the run was (or is being) set up, traps Ctrl-C and SIGTERM to stop after a step with a
    // checkpoint, trains, and says where everything went.
    private static TrainResult Train((TrainOptions Options, int Channels) plan)
    {
        var (o, channels) = plan;
        o = o with { Runtime = o.Runtime with { BeforeStep = StepHold.FromEnvironment() } };
        var data = TrainingData.Open(o.Data.Path, o.BuildArchitecture(1, channels).ResizeSize, channels, o.Data.TrainLimit, o.Data.ValLimit);
        Console.Error.WriteLine($"data: {data.Name}: {data.Train.Count} train, {data.Validation.Count} validation" +
                                (data.Test != null ? $", {data.Test.Count} test" : "") + $" images, {data.Train.ClassNames.Count} classes");
        if (TerminationSignals.Changes.Length > 0)
            Console.Error.WriteLine($"signals: {TerminationSignals.Changes} by the launching process; both now stop the run with a checkpoint");
        using var stop = new StopSignals();
        using var trainer = new Trainer(o, data);
        Console.Error.WriteLine($"model: {trainer.Architecture.Preset}, {trainer.Model.ParameterCount:N0} parameters, {trainer.Architecture.Towers} tower(s); run folder {o.Runtime.RunDir}");
        var result = trainer.Run(stop.Token);
        Console.WriteLine($"checkpoint: {Path.GetFullPath(result.CheckpointPath)}");
        foreach (var (label, file) in new[] { ("metrics:   ", "metrics.csv"), ("steps:     ", "steps.csv"), ("curve:     ", "training-curve.png") })
            if (File.Exists(Path.Combine(o.Runtime.RunDir, file))) Console.WriteLine($"{label} {Path.GetFullPath(Path.Combine(o.Runtime.RunDir, file))}");
        if (result.Interrupted) Console.WriteLine($"resume with: train --run-dir {o.Runtime.RunDir} --resume --epochs {o.Epochs}");
        if (result.OnnxPath != null) Console.WriteLine($"model:      {Path.GetFullPath(result.OnnxPath)}");
        return result;
    }

    internal static string Format(object? value) => value switch
    {
        null => "none",
        bool b => b ? "on" : "off",
        double d => d.ToString("g", CultureInfo.InvariantCulture),
        Enum e => e.ToString().ToLowerInvariant(),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    private static string? Positive(int v) => v > 0 ? null : "must be a positive whole number";
    private static string? PositiveNumber(double v) => v > 0 ? null : "must be positive";

    private static Knob Value<T>(string name, string description, Func<TrainOptions, T> get, Func<TrainOptions, T, TrainOptions> set,
        Func<T, string?>? check = null, string? defaultText = null, bool identity = true) =>
        new ValueKnob<T>(name, description, get, set, check, defaultText, identity);

    private static Knob Switch(string name, string description, Func<TrainOptions, bool> get, Func<TrainOptions, bool, TrainOptions> set, bool identity = true) =>
        new SwitchKnob(name, description, get, set, identity);

    /// <summary>One setting of <see cref="TrainOptions"/> and its flag(s).</summary>
    private abstract class Knob(string name, bool identity)
    {
        public string Name { get; } = name;
        public bool Identity { get; } = identity;
        public abstract IEnumerable<Option> Options { get; }
        public bool Given(ParseResult r) => Options.Any(option => r.GetResult(option) is { Implicit: false });
        /// <summary>The flag as typed, for messages.</summary>
        public string Flag(ParseResult r) => Options.First(option => r.GetResult(option) is { Implicit: false }).Name;
        public abstract TrainOptions Apply(TrainOptions o, ParseResult r);
        public abstract object? Read(TrainOptions o);
    }

    private sealed class ValueKnob<T> : Knob
    {
        private readonly Option<T> _option;
        private readonly Func<TrainOptions, T> _get;
        private readonly Func<TrainOptions, T, TrainOptions> _set;

        public ValueKnob(string name, string description, Func<TrainOptions, T> get, Func<TrainOptions, T, TrainOptions> set,
            Func<T, string?>? check, string? defaultText, bool identity) : base(name, identity)
        {
            (_get, _set) = (get, set);
            _option = new Option<T>("--" + name) { Description = $"{description} [default: {defaultText ?? Format(get(Defaults))}]" };
            if (check is not null) _option.Check(check);
        }

        public override IEnumerable<Option> Options => [_option];
        public override TrainOptions Apply(TrainOptions o, ParseResult r) => _set(o, r.GetValue(_option)!);
        public override object? Read(TrainOptions o) => _get(o);
    }

    // --name turns it on, --no-name off (as the flags of the paper's ablations are usually written).
    private sealed class SwitchKnob : Knob
    {
        private readonly Option<bool> _on, _off;
        private readonly Func<TrainOptions, bool> _get;
        private readonly Func<TrainOptions, bool, TrainOptions> _set;

        public SwitchKnob(string name, string description, Func<TrainOptions, bool> get, Func<TrainOptions, bool, TrainOptions> set, bool identity) : base(name, identity)
        {
            (_get, _set) = (get, set);
            _on = new Option<bool>("--" + name) { Description = $"{description} [default: {Format(get(Defaults))}]" };
            _off = new Option<bool>("--no-" + name) { Description = $"turns --{name} off" };
        }

        public override IEnumerable<Option> Options => [_on, _off];
        public override TrainOptions Apply(TrainOptions o, ParseResult r)
        {
            bool on = r.GetResult(_on) is { Implicit: false }, off = r.GetResult(_off) is { Implicit: false };
            if (on && off) throw new UsageException($"--{Name} and --no-{Name} contradict each other; give one.");
            return _set(o, on ? r.GetValue(_on) : !r.GetValue(_off));
        }
        public override object? Read(TrainOptions o) => _get(o);
    }

    // plateau[:patience[,max-drops]] | steps:16,24 | cosine[:T]: the three schedules as one choice.
    private sealed class ScheduleKnob : Knob
    {
        private readonly Option<string> _option;

        public ScheduleKnob() : base("schedule", identity: true)
        {
            _option = new Option<string>("--schedule")
            {
                Description = "how ε moves: plateau[:PATIENCE[,MAX_DROPS]] (÷10 when validation stalls, section 5; PyTorch's ReduceLROnPlateau), " +
                              "steps:16,24 (÷10 after those epochs; MultiStepLR) or cosine[:T] (a half cosine to 0 over T epochs, the run's by default; " +
                              $"CosineAnnealingLR) [default: {Defaults.Schedule.LearningRate}]",
            };
            _option.Validators.Add(result =>
            {
                try { Parse(result.GetValueOrDefault<string>() ?? "", epochs: 1); }
                catch (FormatException e) { result.AddError(e.Message); }
            });
        }

        public override IEnumerable<Option> Options => [_option];
        public override TrainOptions Apply(TrainOptions o, ParseResult r) =>
            o with { Schedule = o.Schedule with { LearningRate = Parse(r.GetValue(_option)!, o.Epochs) } };
        public override object? Read(TrainOptions o) => o.Schedule.LearningRate;

        /// <summary>Reads a --schedule value; a cosine without T runs over the run's epochs.</summary>
        public static LearningRateSchedule Parse(string text, int epochs)
        {
            var (kind, rest) = text.IndexOf(':') is int colon and >= 0 ? (text[..colon], text[(colon + 1)..]) : (text, "");
            int[] numbers = rest.Length == 0 ? [] : [.. rest.Split(',').Select(n =>
                int.TryParse(n.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v > 0 ? v
                : throw new FormatException($"--schedule '{text}': '{n}' is not a positive whole number."))];
            var plateau = new LearningRateSchedule.Plateau();
            return kind switch
            {
                "plateau" when numbers.Length <= 2 => new LearningRateSchedule.Plateau(
                    numbers.Length > 0 ? numbers[0] : plateau.Patience, numbers.Length > 1 ? numbers[1] : plateau.MaxDrops),
                "steps" when numbers.Length > 0 => numbers.Zip(numbers.Skip(1)).FirstOrDefault(p => p.Second <= p.First) is var (a, b) && b > 0
                    ? throw new FormatException($"--schedule '{text}': the epochs must increase ({a} then {b}).")
                    : new LearningRateSchedule.Steps(numbers),
                "cosine" when numbers.Length <= 1 => new LearningRateSchedule.Cosine(numbers.Length == 1 ? numbers[0] : epochs),
                _ => throw new FormatException($"--schedule '{text}': use plateau, plateau:PATIENCE,MAX_DROPS, steps:E1,E2,… or cosine[:T]."),
            };
        }
    }

    /// <summary>Recipe files: <see cref="TrainOptions"/> as JSON, camelCase, enums as names, unknown keys refused.</summary>
    internal static class Recipe
    {
        private static readonly JsonSerializerOptions Json = new()
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            ReadCommentHandling = JsonCommentHandling.Skip,
        };

        public static TrainOptions Load(string path)
        {
            if (!File.Exists(path)) throw new FileNotFoundException($"--config: '{path}' does not exist.", path);
            try
            {
                return JsonSerializer.Deserialize<TrainOptions>(File.ReadAllText(path), Json)
                    ?? throw new InvalidDataException($"{path}: the recipe is empty (null).");
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{path}: not a training recipe: {e.Message}", e);
            }
        }
    }
}
