using System.Diagnostics;
using System.Globalization;
using System.Text;
using AlexNet.Bench.Setup;
using AlexNet.Onnx.Imaging;
using AlexNet.Training.Data;
using AlexNet.Training.Pretrained;
using AlexNet.Training.Training;

namespace AlexNet.Bench;

/// <summary>
/// Transfer learning, measured (issue 22): the <c>small</c> preset trained on Fashion-MNIST classes 0–4, then, for each
/// seed, a run on a few training images of classes 5–9 that starts from that checkpoint (<see cref="FineTuningOptions.InitFrom"/>)
/// beside the same run from random weights: same images, epochs, steps, batch, schedule, augmentation and seed. Both are
/// scored on the test images of classes 5–9; the report gives every run, each arm's mean and spread, and the difference.
/// </summary>
public static class TransferSuite
{
    /// <summary>The source task's classes: T-shirt/top, Trouser, Pullover, Dress, Coat.</summary>
    public static readonly int[] SourceClasses = [0, 1, 2, 3, 4];

    /// <summary>The target task's classes: Sandal, Shirt, Sneaker, Bag, Ankle boot.</summary>
    public static readonly int[] TargetClasses = [5, 6, 7, 8, 9];

    /// <summary>One target run's outcome.</summary>
    /// <param name="Seed">Its seed.</param>
    /// <param name="FineTuned">Started from the source checkpoint (else from random weights).</param>
    /// <param name="Centre">Test accuracy with the centre crop.</param>
    /// <param name="TenCrop">Test accuracy with ten crops, when scored.</param>
    /// <param name="TestImages">Test images scored.</param>
    /// <param name="TrainError">Training error (augmented crops) in the last epoch.</param>
    /// <param name="ValError">Validation error after the last epoch.</param>
    /// <param name="TrainSeconds">Wall time of the run (set-up, training, per-epoch validation).</param>
    /// <param name="TestSeconds">Wall time of the test scoring.</param>
    public sealed record TargetRun(int Seed, bool FineTuned, double Centre, double? TenCrop, int TestImages, double TrainError, double ValError,
        double TrainSeconds, double TestSeconds)
    {
        /// <summary>The arm's name in the report.</summary>
        public string Arm => FineTuned ? "fine-tuned" : "from scratch";
    }

    /// <summary>Mean, sample standard deviation (n − 1; NaN for one run) and range of some accuracies.</summary>
    /// <param name="Mean">Mean.</param>
    /// <param name="StandardDeviation">Sample standard deviation.</param>
    /// <param name="Min">Smallest.</param>
    /// <param name="Max">Largest.</param>
    public sealed record Spread(double Mean, double StandardDeviation, double Min, double Max)
    {
        /// <summary>The spread of <paramref name="values"/> (at least one).</summary>
        /// <param name="values">Accuracies.</param>
        public static Spread Of(IReadOnlyList<double> values)
        {
            double mean = values.Average();
            double sd = values.Count < 2 ? double.NaN : Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
            return new Spread(mean, sd, values.Min(), values.Max());
        }
    }

    /// <summary>Trains the source, then every seed's two target runs, and returns the Markdown report.</summary>
    /// <param name="o">What to run.</param>
    /// <param name="folder">Folder for the run folders.</param>
    /// <param name="log">Progress.</param>
    public static string Run(TransferOptions o, string folder, TextWriter log)
    {
        string loadBefore = LoadAverage(), started = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
        var total = Stopwatch.StartNew();
        var clock = Stopwatch.StartNew();
        var all = TrainingData.Open(Path.Combine(BenchImages.RepoRoot, "data", "fashion-mnist"), new TrainOptions().BuildArchitecture(10, 1).ResizeSize, channels: 1);
        var source = all.WithClasses(SourceClasses, o.SourcePerClass) with { Test = null }; // its held-out rows give its final error
        var target = all.WithClasses(TargetClasses, o.PerClass, o.ValidationPerClass, o.TestPerClass);
        var test = target.Test!;
        target = target with { Test = null }; // scored below, with both crops, whatever ended the run
        double dataSeconds = clock.Elapsed.TotalSeconds;
        log.WriteLine($"data: source {source.Train.Count} training / {source.Validation.Count} held-out images, target {target.Train.Count} / " +
                      $"{target.Validation.Count}, test {test.Count} ({dataSeconds:F0} s)");

        // The source: every default of the small preset but the schedule, a cosine to 0 like the target runs'.
        var sourceOptions = Options(o, Path.Combine(folder, "source"), o.SourceSeed, o.SourceEpochs, o.SourceBatchSize, o.LearningRate) with
        {
            Runtime = RuntimeFor(o, Path.Combine(folder, "source"), log),
        };
        clock.Restart();
        TrainResult sourceResult;
        using (var trainer = new Trainer(sourceOptions, source))
            sourceResult = trainer.Run();
        double sourceSeconds = clock.Elapsed.TotalSeconds;
        var sourceFinal = sourceResult.State.History[^1];
        log.WriteLine($"source: validation error {sourceFinal.ValError:P2} after {sourceResult.State.CompletedEpochs} epochs ({sourceSeconds:F0} s)");

        double fineLr = o.FineTuneLearningRate ?? o.LearningRate;
        // The whole checkpoint: it names classes 0–4, so the trainer starts fc8 afresh for classes 5–9 (PretrainedStart).
        string start = sourceResult.CheckpointPath;
        var runs = new List<TargetRun>();
        var initReport = new List<string>();
        foreach (int seed in o.Seeds)
            foreach (bool fineTuned in new[] { true, false })
            {
                var dir = Path.Combine(folder, $"seed{seed}-{(fineTuned ? "fine-tuned" : "scratch")}");
                var options = Options(o, dir, seed, o.Epochs, o.BatchSize, fineTuned ? fineLr : o.LearningRate);
                if (fineTuned) options = options with { FineTuning = new() { InitFrom = start } };
                options = options with { Runtime = RuntimeFor(o, dir, null) };
                clock.Restart();
                using var trainer = new Trainer(options, target);
                var result = trainer.Run();
                double trainSeconds = clock.Elapsed.TotalSeconds;
                if (fineTuned && initReport.Count == 0) initReport.AddRange(InitSummary(dir));
                clock.Restart();
                var centre = Evaluator.Evaluate(trainer.Model, test, trainer.Mean, options.EffectivePixelScale, CropMode.CentreCrop, 64, o.Workers);
                var ten = o.TenCrop ? Evaluator.Evaluate(trainer.Model, test, trainer.Mean, options.EffectivePixelScale, CropMode.TenCrop, 16, o.Workers) : null;
                var last = result.State.History[^1];
                var run = new TargetRun(seed, fineTuned, 1 - centre.Top1Error, ten is null ? null : 1 - ten.Top1Error, test.Count, last.TrainError, last.ValError,
                    trainSeconds, clock.Elapsed.TotalSeconds);
                runs.Add(run);
                log.WriteLine($"seed {seed}, {run.Arm}: test accuracy {run.Centre:P2} centre" + (run.TenCrop is { } t ? $", {t:P2} ten-crop" : "") +
                              $"; last epoch train error {run.TrainError:P2}, val error {run.ValError:P2} ({run.TrainSeconds:F0} s + {run.TestSeconds:F0} s scoring)");
            }

        var report = new TransferReport(o, all, source, target, test, sourceOptions, sourceResult, fineLr, runs, initReport)
        {
            Started = started, LoadBefore = loadBefore, LoadAfter = LoadAverage(),
            DataSeconds = dataSeconds, SourceSeconds = sourceSeconds, TotalSeconds = total.Elapsed.TotalSeconds,
        };
        return report.ToMarkdown();
    }

    // Everything a run of this bench sets; the rest is TrainOptions' defaults for the small preset.
    private static TrainOptions Options(TransferOptions o, string dir, int seed, int epochs, int batch, double lr) => new()
    {
        Data = new() { Path = Path.Combine(BenchImages.RepoRoot, "data", "fashion-mnist"), Channels = 1 },
        Optimisation = new() { BatchSize = batch, LearningRate = lr },
        Schedule = new() { Epochs = epochs, LearningRate = new LearningRateSchedule.Cosine(epochs) },
        Runtime = new() { RunDir = dir },
        Seed = seed,
    };

    private static RuntimeOptions RuntimeFor(TransferOptions o, string dir, TextWriter? log) =>
        new() { RunDir = dir, Threads = o.Threads, Workers = o.Workers, TenCropAtEnd = false, Export = false, Log = log };

    // The trainer's init-from.txt, without the list of loaded tensors: the counts, and what started afresh and why.
    private static IEnumerable<string> InitSummary(string runDir)
    {
        var lines = File.ReadAllLines(Path.Combine(runDir, PretrainedReport.FileName));
        int afresh = Array.IndexOf(lines, "initialised afresh:");
        return [lines[1], .. afresh < 0 ? [] : lines.Skip(afresh + 1).TakeWhile(l => l.StartsWith("  ", StringComparison.Ordinal)).Select(l => "afresh: " + l.Trim())];
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    /// <summary>The report's Markdown.</summary>
    private sealed record TransferReport(TransferOptions O, TrainingData All, TrainingData Source, TrainingData Target, IImageDataset Test,
        TrainOptions SourceOptions, TrainResult SourceResult, double FineLr, List<TargetRun> Runs, List<string> InitReport)
    {
        public required string Started { get; init; }
        public required string LoadBefore { get; init; }
        public required string LoadAfter { get; init; }
        public required double DataSeconds { get; init; }
        public required double SourceSeconds { get; init; }
        public required double TotalSeconds { get; init; }

        private static string Pc(double v) => (100 * v).ToString("F2", CultureInfo.InvariantCulture) + " %";
        private static string Pts(double v) => (100 * v).ToString("+0.00;−0.00;0.00", CultureInfo.InvariantCulture);
        private static string Sd(double v) => double.IsNaN(v) ? "—" : (100 * v).ToString("F2", CultureInfo.InvariantCulture);
        private static string Plural(int n, string what) => n == 1 ? $"1 {what}" : string.Create(CultureInfo.InvariantCulture, $"{n:N0} {what}s");
        private static string Names(IImageDataset d) => string.Join(", ", d.ClassNames);
        private static string S(double seconds) => seconds.ToString("F0", CultureInfo.InvariantCulture) + " s";

        public string ToMarkdown()
        {
            var md = new StringBuilder();
            var inv = CultureInfo.InvariantCulture;
            var a = SourceOptions.BuildArchitecture(5, 1);
            long sourceSteps = SourceResult.State.Step;
            var sourceLast = SourceResult.State.History[^1];
            int targetSteps = O.Epochs * ((Target.Train.Count + O.BatchSize - 1) / O.BatchSize);
            bool sameLr = FineLr == O.LearningRate;
            md.AppendLine(inv, $"Measured {Started}, {S(TotalSeconds)} in all. Machine: {Environment.ProcessorCount} cores, {AlexNet.Onnx.Diagnostics.SystemDiagnostics.CpuModel()}; " +
                $"load average {LoadBefore} at the start, {LoadAfter} at the end. TorchSharp {(O.Threads > 0 ? $"{O.Threads}" : "default")} intra-op threads, " +
                $"{O.Workers} loader workers.");
            md.AppendLine();
            md.AppendLine(inv, $"- **Network**: the `small` preset with every default of `TrainOptions` ({a.InputSize}-px crops of {a.ResizeSize}-px gray images, " +
                $"LRN, dropout {SourceOptions.Architecture.Dropout}, Kaiming init, momentum {SourceOptions.Optimisation.Momentum}, weight decay " +
                $"{SourceOptions.Optimisation.WeightDecay}, random crops and flips) except the schedule: ε on a cosine to 0 over each run's epochs.");
            md.AppendLine(inv, $"- **Source**: Fashion-MNIST classes 0–4 ({Names(Source.Train)}), " +
                $"{(O.SourcePerClass is { } cap ? $"at most the first {cap:N0} training images of each" : "all their training images (the first 55,000 of the file)")}: {Source.Train.Count:N0} images, " +
                $"{Plural(SourceResult.State.CompletedEpochs, "epoch")} at batch {O.SourceBatchSize} ({sourceSteps:N0} steps), ε {O.LearningRate}, seed {O.SourceSeed}: " +
                $"validation error **{Pc(sourceLast.ValError)}** on the {Source.Validation.Count:N0} held-out images of these classes " +
                $"(last epoch's training error {Pc(sourceLast.TrainError)}); {S(SourceSeconds)}.");
            md.AppendLine(inv, $"- **Target**: classes 5–9 ({Names(Target.Train)}), the first {O.PerClass} training images of each in file order: " +
                $"{Target.Train.Count} images, the same for every seed and both arms. Test: {(O.TestPerClass is { } tp ? $"the first {tp} test images of each class" : "every test image of these classes")}, " +
                $"{Test.Count:N0} images; scored after the last epoch with the centre crop{(O.TenCrop ? " and with ten crops" : "")}.");
            string rates = sameLr ? $"{O.LearningRate} in both arms" : $"{FineLr} fine-tuned, {O.LearningRate} from scratch";
            md.AppendLine(inv, $"- **Each target run**: {Plural(O.Epochs, "epoch")} at batch {O.BatchSize} ({targetSteps} steps), ε {rates}" +
                $" on a cosine to 0, augmentation and dropout as above; the two arms of a seed share the seed (shuffling, crops, dropout, fresh weights), so a " +
                $"seed's pair differs only in where the weights start. {O.ValidationPerClass} held-out images of each class are scored after every epoch; " +
                $"nothing reads them (the cosine ignores them), so neither arm is tuned on them. Both arms subtract the mean image of the " +
                $"{Target.Train.Count} target images, which the trainer computes for every new run (the source's own mean is not carried over).");
            const string head = "the source's checkpoint.ckpt, so conv1–fc7 come from the source; its 5-class head would fit the shape but scores other " +
                "classes, so the trainer starts fc8 afresh (Kaiming, from the run's seed), as torchvision's transfer-learning tutorial replaces the last layer";
            md.AppendLine(inv, $"- **Fine-tuned**: `FineTuning.InitFrom` = {head}; every layer trains. **From scratch**: the same options without `InitFrom`.");
            if (InitReport.Count > 0)
                md.AppendLine(inv, $"- The trainer's report on loading it (init-from.txt): {string.Join("; ", InitReport.Select(l => $"`{l}`"))}.");
            md.AppendLine();

            bool ten = O.TenCrop;
            md.AppendLine(ten ? "| seed | arm | test accuracy, centre crop | ten-crop | last epoch: train error | val error | training | scoring |"
                              : "| seed | arm | test accuracy, centre crop | last epoch: train error | val error | training | scoring |");
            md.AppendLine(ten ? "|---:|---|---:|---:|---:|---:|---:|---:|" : "|---:|---|---:|---:|---:|---:|---:|");
            foreach (var r in Runs)
                md.AppendLine(inv, $"| {r.Seed} | {r.Arm} | {Pc(r.Centre)} | {(ten ? $"{Pc(r.TenCrop!.Value)} | " : "")}{Pc(r.TrainError)} | {Pc(r.ValError)} | " +
                    $"{S(r.TrainSeconds)} | {S(r.TestSeconds)} |");
            md.AppendLine();

            md.AppendLine(ten ? "| arm | runs | centre crop: mean | sd | min–max | ten-crop: mean | sd | min–max |"
                              : "| arm | runs | centre crop: mean | sd | min–max |");
            md.AppendLine(ten ? "|---|---:|---:|---:|---:|---:|---:|---:|" : "|---|---:|---:|---:|---:|");
            var fine = Runs.Where(r => r.FineTuned).ToArray();
            var scratch = Runs.Where(r => !r.FineTuned).ToArray();
            foreach (var (name, arm) in new[] { ("fine-tuned", fine), ("from scratch", scratch) })
            {
                var c = Spread.Of(arm.Select(r => r.Centre).ToArray());
                var row = $"| {name} | {arm.Length} | {Pc(c.Mean)} | {Sd(c.StandardDeviation)} | {Pc(c.Min)}–{Pc(c.Max)} |";
                if (ten)
                {
                    var t = Spread.Of(arm.Select(r => r.TenCrop!.Value).ToArray());
                    row += $" {Pc(t.Mean)} | {Sd(t.StandardDeviation)} | {Pc(t.Min)}–{Pc(t.Max)} |";
                }
                md.AppendLine(row);
            }
            md.AppendLine();
            md.AppendLine("(sd: the sample standard deviation over the seeds, in points.)");
            md.AppendLine();

            double dc = fine.Average(r => r.Centre) - scratch.Average(r => r.Centre);
            var paired = fine.Zip(scratch, (f, s) => $"{Pts(f.Centre - s.Centre)} (seed {f.Seed})");
            string tenDifference = ten ? $", **{Pts(fine.Average(r => r.TenCrop!.Value) - scratch.Average(r => r.TenCrop!.Value))} points** with ten crops" : "";
            md.AppendLine(inv, $"- Fine-tuned − from scratch, difference of the means: **{Pts(dc)} points** with the centre crop{tenDifference}; " +
                $"seed by seed (centre crop): {string.Join(", ", paired)}.");
            md.AppendLine(inv, $"- Wall time: data {S(DataSeconds)}, source {S(SourceSeconds)}, fine-tuned runs {S(fine.Sum(r => r.TrainSeconds + r.TestSeconds))}, " +
                $"runs from scratch {S(scratch.Sum(r => r.TrainSeconds + r.TestSeconds))} (of which test scoring {S(Runs.Sum(r => r.TestSeconds))}); total {S(TotalSeconds)}.");
            return md.ToString();
        }
    }
}
