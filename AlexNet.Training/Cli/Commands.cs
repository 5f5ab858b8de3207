using AlexNet.Onnx.Imaging;
using AlexNet.Onnx.Model;
using AlexNet.Training.Data;
using AlexNet.Training.Model;
using AlexNet.Training.Training;

namespace AlexNet.Training.Cli;

/// <summary>Entry point of the command line: train, evaluate, export, prepare.</summary>
public static class Commands
{
    private const string Usage = """
        AlexNet for .NET — Krizhevsky, Sutskever & Hinton (2012) in TorchSharp.

        usage: dotnet run --project AlexNet.Training -- <command> [flags]

        commands:
          train      train a model (default: the small preset on the vendored Fashion-MNIST)
          evaluate   top-1/top-5 error of a checkpoint, centre crop and ten-crop
          export     write model.onnx from a checkpoint
          prepare    write a resized copy of an image-folder tree (shorter side 256, centre crop), as the paper did
          study      run the paper's ablations (relu, lrn, lrn-scaled, pooling, towers, pca, dropout, tencrop, kernels, all)
          doctor     what will run where (CPU, CUDA) for training and serving, and why; --require, --json

        <command> --help lists the flags of a command.
        """;

    /// <summary>The train command's flags, one per <see cref="TrainOptions"/> knob.</summary>
    public static readonly Flag[] TrainFlags =
    [
        new("preset", "paper (227 crops of 256 images) or small (28 crops of 32 images)", "small"),
        new("crop-size", "side of the crops the network sees (default: the preset's, 28 or 227; the resize side follows at 256:227)"),
        new("resize-size", "side images are resized to before cropping (default: the preset's, 32 or 256)"),
        new("crop-padding", "zero pixels added on each side of the resized image before crops are cut (default: the preset's)"),
        new("data", "IDX folder or an ImageNet-style folder with train/ and val/", "data/fashion-mnist"),
        new("run-dir", "where checkpoints, metrics.csv, the curve and model.onnx go (default runs/<preset>-<time>)"),
        new("epochs", "epochs to train (default 10 for small, 90 for paper)"),
        new("batch-size", "mini-batch size", "128"),
        new("lr", "initial learning rate ε", "0.01"),
        new("momentum", "momentum μ", "0.9"),
        new("weight-decay", "weight decay λ", "0.0005"),
        new("patience", "epochs without validation improvement before ε ÷ 10", "2"),
        new("max-lr-drops", "how many times ε may be divided by 10", "3"),
        new("lr-steps", "epochs after which ε ÷ 10 whatever validation does, e.g. 16,24 (PyTorch's MultiStepLR; replaces --patience)"),
        new("cosine", "anneal ε along a half cosine to 0 over this many epochs, once per epoch (PyTorch's CosineAnnealingLR; replaces --patience and --lr-steps)"),
        new("label-smoothing", "share of the target spread over all classes (PyTorch's CrossEntropyLoss label_smoothing; not in the paper)", "0"),
        new("seed", "seed for weights, shuffling, crops, colour noise and dropout", "1"),
        new("init", "kaiming or paper (N(0, 0.01), biases 1 in conv2/4/5, fc6/7)", "kaiming"),
        new("pixel-scale", "value one 8-bit level maps to (default: 1 with --init paper, 1/255 with kaiming)"),
        new("activation", "relu or tanh", "relu"),
        new("lrn", "local response normalisation after conv1 and conv2", IsSwitch: true),
        new("lrn-alpha", "LRN's α as the paper writes it, for raw 0–255 pixels (×255² gives 0–1 pixels the same strength)", "0.0001"),
        new("batch-norm", "batch normalisation between each conv layer and its ReLU (Ioffe & Szegedy 2015; not in the paper; folded into the convs on export)", IsSwitch: true),
        new("overlapping-pooling", "3×3 stride-2 pooling (off: 2×2 stride 2)", IsSwitch: true),
        new("one-tower", "one tower with half the kernels instead of two", IsSwitch: true),
        new("width", "multiplies every layer's kernels and units, fc8 excepted (1.5: about 2.2× the FLOPs per image)", "1"),
        new("dropout", "dropout probability on fc6 and fc7", "0.5"),
        new("pca-lighting", "PCA colour augmentation (3-channel data)", IsSwitch: true),
        new("random-erasing", "probability that a training crop gets a random rectangle set to the mean (Zhong et al. 2017; not in the paper)", "0"),
        new("augment", "random crops and flips (off: centre crops)", IsSwitch: true),
        new("channels", "channels for image folders: 3 or 1", "3"),
        new("train-limit", "use at most this many training images"),
        new("eval-limit", "use at most this many validation/test images"),
        new("max-steps", "stop after this many steps (smoke runs)"),
        new("log-every", "record the training loss and error every N steps (steps.csv, the curve); validation stays per epoch", "10"),
        new("devices", "cpu, cuda, or one per tower: cuda:0,cuda:1", "cpu"),
        new("threads", "TorchSharp threads (0: libtorch default)", "0"),
        new("workers", "data-loading threads", "2"),
        new("resume", "continue from the run folder's checkpoint", IsSwitch: true),
        new("resume-lr", "with --resume: continue at this learning rate (a ÷10 by hand, as the paper's authors did; under --cosine it holds for the resumed epoch, then the curve goes on)"),
        new("ten-crop", "ten-crop evaluation at the end", IsSwitch: true),
        new("export", "write model.onnx at the end", IsSwitch: true),
    ];

    /// <summary>Runs a command and returns the process exit code.</summary>
    /// <param name="args">Command-line arguments.</param>
    public static int Run(string[] args)
    {
        if (args.Length == 0 || args[0] is "--help" or "-h" or "help")
        {
            Console.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }
        try
        {
            return args[0] switch
            {
                "train" => Train(args[1..]),
                "evaluate" => Evaluate(args[1..]),
                "export" => Export(args[1..]),
                "prepare" => Prepare(args[1..]),
                "study" => StudyCommand.Run(args[1..]),
                "doctor" => DoctorCommand.Run(args[1..]),
                _ => throw new UsageException($"Unknown command '{args[0]}'. Commands: train, evaluate, export, prepare, study, doctor."),
            };
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException or NonFiniteLossException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }

    /// <summary>Maps parsed flags to <see cref="TrainOptions"/>.</summary>
    /// <param name="f">Parsed train flags.</param>
    public static TrainOptions ParseTrainOptions(Flags f)
    {
        var preset = f.String("preset")!;
        if (preset is not ("paper" or "small")) throw new UsageException($"--preset '{preset}': use paper or small.");
        var d = new TrainOptions();
        var options = new TrainOptions
        {
            Preset = preset,
            CropSize = f.Int("crop-size") is null ? null : Positive(f, "crop-size"),
            ResizeSize = f.Int("resize-size") is null ? null : Positive(f, "resize-size"),
            CropPadding = f.Int("crop-padding") is { } pad ? (pad >= 0 ? pad : throw new UsageException("--crop-padding must be 0 or more.")) : null,
            Data = f.String("data")!,
            RunDir = f.String("run-dir") ?? Path.Combine("runs", $"{preset}-{DateTime.Now:yyyyMMdd-HHmmss}"),
            Epochs = f.Int("epochs") ?? (preset == "paper" ? 90 : 10),
            BatchSize = Positive(f, "batch-size"),
            LearningRate = f.Double("lr")!.Value,
            Momentum = f.Double("momentum")!.Value,
            WeightDecay = f.Double("weight-decay")!.Value,
            Patience = f.Int("patience")!.Value,
            MaxLearningRateDrops = f.Int("max-lr-drops")!.Value,
            LearningRateSteps = LearningRateSteps(f.String("lr-steps")),
            CosineEpochs = f.Int("cosine") is null ? null : Positive(f, "cosine"),
            LabelSmoothing = f.Double("label-smoothing")!.Value is var smoothing && smoothing is >= 0 and < 1
                ? smoothing : throw new UsageException("--label-smoothing must be at least 0 and below 1."),
            Seed = f.Int("seed")!.Value,
            Init = Enum.TryParse<InitScheme>(f.String("init"), true, out var init) ? init : throw new UsageException($"--init '{f.String("init")}': use kaiming or paper."),
            PixelScale = f.Double("pixel-scale"),
            Activation = Enum.TryParse<Activation>(f.String("activation"), true, out var act) ? act : throw new UsageException($"--activation '{f.String("activation")}': use relu or tanh."),
            Lrn = SwitchOr(f, "lrn", d.Lrn),
            LrnAlpha = f.Double("lrn-alpha")!.Value is var alpha && alpha > 0 ? alpha : throw new UsageException("--lrn-alpha must be positive."),
            BatchNorm = SwitchOr(f, "batch-norm", d.BatchNorm),
            OverlappingPooling = SwitchOr(f, "overlapping-pooling", d.OverlappingPooling),
            OneTower = SwitchOr(f, "one-tower", d.OneTower),
            Width = f.Double("width")!.Value is var width && width > 0 ? width : throw new UsageException("--width must be positive."),
            Dropout = f.Double("dropout")!.Value,
            PcaLighting = SwitchOr(f, "pca-lighting", d.PcaLighting),
            RandomErasing = f.Double("random-erasing")!.Value is var erasing && erasing is >= 0 and <= 1
                ? erasing : throw new UsageException("--random-erasing must be between 0 and 1."),
            Augment = SwitchOr(f, "augment", d.Augment),
            TrainLimit = f.Int("train-limit"),
            ValLimit = f.Int("eval-limit"),
            MaxSteps = f.Long("max-steps"),
            LogEvery = Positive(f, "log-every"),
            Devices = f.String("devices")!,
            Threads = f.Int("threads")!.Value,
            Workers = Positive(f, "workers"),
            Resume = SwitchOr(f, "resume", false),
            ResumeLearningRate = f.Double("resume-lr") is { } resumeLr
                ? (SwitchOr(f, "resume", false) ? resumeLr : throw new UsageException("--resume-lr needs --resume."))
                : null,
            TenCropAtEnd = SwitchOr(f, "ten-crop", d.TenCropAtEnd),
            Export = SwitchOr(f, "export", d.Export),
            Log = Console.Error,
        };
        if (options.CosineEpochs != null && options.LearningRateSteps.Count > 0)
            throw new UsageException("--cosine and --lr-steps are two schedules; give one.");
        if (options.CosineEpochs is { } t && !options.Resume && options.Epochs > t)
            throw new UsageException($"--cosine {t} reaches ε = 0 after epoch {t}; --epochs {options.Epochs} would train on at 0. Give --cosine {options.Epochs}.");
        try
        {
            options.Architecture(numClasses: 1, channels: 1);
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"--crop-size/--resize-size/--crop-padding: {e.Message}");
        }
        return options;
    }

    // "16,24": whole epochs in increasing order, as MultiStepLR's milestones.
    private static int[] LearningRateSteps(string? text)
    {
        if (text == null) return [];
        var steps = text.Split(',', StringSplitOptions.TrimEntries).Select(s =>
            int.TryParse(s, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var e) && e > 0
                ? e : throw new UsageException($"--lr-steps '{text}': '{s}' is not a positive whole epoch number.")).ToArray();
        for (int i = 1; i < steps.Length; i++)
            if (steps[i] <= steps[i - 1]) throw new UsageException($"--lr-steps '{text}': the epochs must increase ({steps[i - 1]} then {steps[i]}).");
        return steps;
    }

    private static bool SwitchOr(Flags f, string name, bool fallback) => f.String(name) == null ? fallback : f.Switch(name);

    private static int Positive(Flags f, string name) =>
        f.Int(name) is { } v && v > 0 ? v : throw new UsageException($"--{name} must be a positive whole number.");

    private static int Train(string[] args)
    {
        var f = new Flags(args, TrainFlags);
        if (f.Help) { Console.WriteLine(Flags.HelpText("usage: train [flags]", TrainFlags)); return 0; }
        var o = ParseTrainOptions(f);
        var dataOptions = o;
        int channels = f.Int("channels") ?? 3;
        var checkpoint = Path.Combine(o.RunDir, Trainer.CheckpointFile);
        if (o.Resume && File.Exists(checkpoint))
        {
            // The trainer resumes under the stored options, so open the data as the run was trained, not as this
            // command line's defaults imply (a padded 28-px run would otherwise get 32-px images).
            var stored = Checkpoint.ReadState<TrainingState>(checkpoint);
            dataOptions = o.ResumedFrom(stored.Options);
            channels = stored.Channels;
        }
        var data = TrainingData.Open(dataOptions.Data, dataOptions.Architecture(1, 1).ResizeSize, channels, dataOptions.TrainLimit, dataOptions.ValLimit);
        Console.Error.WriteLine($"data: {data.Name}: {data.Train.Count} train, {data.Validation.Count} validation" +
                                (data.Test != null ? $", {data.Test.Count} test" : "") + $" images, {data.Train.ClassNames.Count} classes");
        if (TerminationSignals.Changes.Length > 0)
            Console.Error.WriteLine($"signals: {TerminationSignals.Changes} by the launching process; both now stop the run with a checkpoint");
        using var stop = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true; // finish the step, save, exit 0
            stop.Cancel();
            Console.Error.WriteLine("\nCtrl-C: saving a checkpoint after this step…");
        };
        Console.CancelKeyPress += onCancel;
        using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(
            System.Runtime.InteropServices.PosixSignal.SIGTERM, ctx =>
            {
                ctx.Cancel = true;
                stop.Cancel();
                Console.Error.WriteLine("\nSIGTERM: saving a checkpoint after this step…");
            });
        try
        {
            using var trainer = new Trainer(o, data);
            Console.Error.WriteLine($"model: {trainer.Architecture.Preset}, {trainer.Model.ParameterCount:N0} parameters, {trainer.Architecture.Towers} tower(s); run folder {o.RunDir}");
            var result = trainer.Run(stop.Token);
            Console.WriteLine($"checkpoint: {Path.GetFullPath(result.CheckpointPath)}");
            foreach (var (label, file) in new[] { ("metrics:   ", "metrics.csv"), ("curve:     ", "training-curve.png") })
                if (File.Exists(Path.Combine(o.RunDir, file))) Console.WriteLine($"{label} {Path.GetFullPath(Path.Combine(o.RunDir, file))}");
            if (result.Interrupted) Console.WriteLine($"resume with: train --run-dir {o.RunDir} --resume --epochs {o.Epochs}");
            if (result.OnnxPath != null) Console.WriteLine($"model:      {Path.GetFullPath(result.OnnxPath)}");
            return 0;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    private static readonly Flag[] EvaluateFlags =
    [
        new("checkpoint", "checkpoint file or run folder"),
        new("data", "dataset folder (IDX or ImageNet-style)", "data/fashion-mnist"),
        new("split", "test or val", "test"),
        new("eval-limit", "use at most this many images"),
        new("batch-size", "images per forward pass", "64"),
        new("workers", "data-loading threads", "2"),
    ];

    private static int Evaluate(string[] args)
    {
        var f = new Flags(args, EvaluateFlags);
        if (f.Help) { Console.WriteLine(Flags.HelpText("usage: evaluate --checkpoint <file|run folder> [flags]", EvaluateFlags)); return 0; }
        var path = f.String("checkpoint") ?? throw new UsageException("--checkpoint is required.");
        using var trained = TrainedModel.Load(path);
        var a = trained.Architecture;
        var data = TrainingData.Open(f.String("data")!, a.ResizeSize, a.InputChannels, evalLimit: f.Int("eval-limit"));
        var set = f.String("split") == "val" ? data.Validation : data.Test ?? data.Validation;
        int batch = Positive(f, "batch-size"), workers = Positive(f, "workers");
        var centre = Evaluator.Evaluate(trained.Model, set, trained.Mean, trained.State.Options.EffectivePixelScale, CropMode.CentreCrop, batch, workers);
        var ten = Evaluator.Evaluate(trained.Model, set, trained.Mean, trained.State.Options.EffectivePixelScale, CropMode.TenCrop, Math.Max(1, batch / 10), workers);
        Console.WriteLine($"{set.Count} images");
        Console.WriteLine($"centre crop: top-1 error {centre.Top1Error:P2}, top-5 error {centre.Top5Error:P2} (accuracy {1 - centre.Top1Error:P2})");
        Console.WriteLine($"ten-crop:    top-1 error {ten.Top1Error:P2}, top-5 error {ten.Top5Error:P2} (accuracy {1 - ten.Top1Error:P2})");
        return 0;
    }

    private static readonly Flag[] ExportFlags =
    [
        new("checkpoint", "checkpoint file or run folder"),
        new("output", "destination .onnx (default: model.onnx beside the checkpoint)"),
    ];

    private static int Export(string[] args)
    {
        var f = new Flags(args, ExportFlags);
        if (f.Help) { Console.WriteLine(Flags.HelpText("usage: export --checkpoint <file|run folder> [--output model.onnx]", ExportFlags)); return 0; }
        var path = f.String("checkpoint") ?? throw new UsageException("--checkpoint is required.");
        using var trained = TrainedModel.Load(path);
        var folder = Directory.Exists(path) ? path : Path.GetDirectoryName(Path.GetFullPath(path))!;
        var output = f.String("output") ?? Path.Combine(folder, "model.onnx");
        AlexNet.Training.Export.ModelExport.Write(trained, output);
        Console.WriteLine($"model: {Path.GetFullPath(output)}");
        return 0;
    }

    private static readonly Flag[] PrepareFlags =
    [
        new("source", "image-folder tree to copy (e.g. an ImageNet train/ or val/ folder)"),
        new("destination", "where the resized PNG copies go (same sub-folders)"),
        new("size", "shorter side, then centre crop to size×size", "256"),
    ];

    private static int Prepare(string[] args)
    {
        var f = new Flags(args, PrepareFlags);
        if (f.Help) { Console.WriteLine(Flags.HelpText("usage: prepare --source <folder> --destination <folder> [--size 256]", PrepareFlags)); return 0; }
        var source = f.String("source") ?? throw new UsageException("--source is required.");
        var destination = f.String("destination") ?? throw new UsageException("--destination is required.");
        int size = Positive(f, "size");
        var report = FolderPreparation.Prepare(source, destination, size, progress: new Progress<int>(n =>
        {
            if (n % 1000 == 0) Console.Error.WriteLine($"{n} images prepared");
        }));
        Console.WriteLine($"prepared {report.Written} images, {report.AlreadyPresent} already present, {report.Skipped.Count} skipped -> {Path.GetFullPath(destination)}");
        foreach (var s in report.Skipped) Console.WriteLine($"  skipped {s.Path}: {s.Reason}");
        return 0;
    }
}
