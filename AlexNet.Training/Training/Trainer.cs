using AlexNet.Onnx.Imaging;
using System.Diagnostics;
using System.Text.Json;
using AlexNet.Onnx.Export;
using AlexNet.Onnx.Model;
using AlexNet.Training.Data;
using AlexNet.Training.FineTuning;
using AlexNet.Training.Export;
using AlexNet.Training.Model;
using AlexNet.Training.Pretrained;
using AlexNet.Training.Reporting;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace AlexNet.Training.Training;

/// <summary>Raised when the loss becomes NaN or infinite; the last good checkpoint is kept.</summary>
/// <param name="message">What happened and where.</param>
public sealed class NonFiniteLossException(string message) : Exception(message);

/// <summary>How a run ended.</summary>
/// <param name="State">Final state (also in the checkpoint).</param>
/// <param name="Interrupted">True when stopped by a cancellation (Ctrl-C) or the step limit before all epochs ran.</param>
/// <param name="CheckpointPath">The checkpoint written last.</param>
/// <param name="Test">Final evaluation on the test/validation data, when the run completed.</param>
/// <param name="OnnxPath">The exported model.onnx, when exported.</param>
public sealed record TrainResult(TrainingState State, bool Interrupted, string CheckpointPath, FinalEvaluation? Test, string? OnnxPath = null);

/// <summary>Centre-crop and ten-crop errors on the held-out data at the end of training.</summary>
/// <param name="Dataset">Which data (test or val).</param>
/// <param name="CentreCrop">Single centre crop.</param>
/// <param name="TenCrop">Ten crops averaged, when asked.</param>
public sealed record FinalEvaluation(string Dataset, EvaluationResult CentreCrop, EvaluationResult? TenCrop)
{
    /// <summary>File name of the final evaluation inside the run folder, written when the run completes.</summary>
    public const string FileName = "final-evaluation.json";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>Writes this evaluation as JSON, atomically, so a finished run can be read back without scoring it again.</summary>
    /// <param name="path">Destination, usually <see cref="FileName"/> in the run folder.</param>
    public void Write(string path) => AtomicFile.Write(path, stream => JsonSerializer.Serialize(stream, this, Json));

    /// <summary>Reads an evaluation written by <see cref="Write"/>.</summary>
    /// <param name="path">The JSON file.</param>
    /// <exception cref="InvalidDataException">The file is not a final evaluation.</exception>
    public static FinalEvaluation Read(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<FinalEvaluation>(File.ReadAllText(path), Json) is { CentreCrop: not null } e ? e
                : throw new InvalidDataException($"'{path}' holds no final evaluation (no centreCrop).");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{path}' is not a final evaluation: {e.Message}", e);
        }
    }
}

/// <summary>
/// Trains an <see cref="AlexNetModel"/> as section 5 describes: SGD with momentum and weight decay, random
/// crops, flips and PCA colour noise, the rate divided by 10 on validation plateaus, a checkpoint every
/// epoch. Deterministic given the seed: shuffling, crops and colour noise derive from (seed, epoch, image),
/// dropout from (seed, step), so a resumed run repeats the uninterrupted one exactly. With every convolution frozen and
/// centre crops, the convolutions run once per image and the epochs train the fully connected layers on their stored
/// output (<see cref="RuntimeOptions.BottleneckCache"/>).
/// </summary>
public sealed class Trainer : IDisposable
{
    /// <summary>File name of the checkpoint inside the run folder.</summary>
    public const string CheckpointFile = "checkpoint.ckpt";

    private readonly TrainOptions o;
    private readonly TrainingData data;
    private readonly AlexNetArchitecture arch;
    private readonly AlexNetModel model;
    private readonly PaperSgd sgd;
    private readonly MeanImage mean;
    private readonly PcaLighting? pca;
    private readonly Device device;
    private TrainingState state;

    /// <summary>The model being trained.</summary>
    public AlexNetModel Model => model;
    /// <summary>The training set's mean image (subtracted from every input).</summary>
    public MeanImage Mean => mean;
    /// <summary>The architecture.</summary>
    public AlexNetArchitecture Architecture => arch;
    /// <summary>Current state.</summary>
    public TrainingState State => state;

    /// <summary>Builds or resumes a run.</summary>
    /// <param name="options">Run options; with Resume, the stored run's identity holds and these options' runtime settings
    /// (and epochs, when given) apply.</param>
    /// <param name="data">Training, validation and test data.</param>
    public Trainer(TrainOptions options, TrainingData data)
    {
        // Before the first tensor: huge pages for libtorch's large tensors (a no-op if the process made tensors already).
        HugePages.Request();
        // Before the first tensor too: MKL asks once whether the CPU is Intel's (Model/MklVendorCheck). Logged when the
        // setting asked for an answer here, given or not; silent where MKL answers for itself as configured.
        var mkl = MklVendorCheck.Apply();
        if (mkl.Asked) options.Runtime.Log?.WriteLine($"MKL vendor check: {mkl.Description}");
        this.data = data;
        var ckpt = Path.Combine(options.Runtime.RunDir, CheckpointFile);
        Dictionary<string, StoredTensor>? stored = null;
        if (options.Runtime.Resume)
        {
            if (!File.Exists(ckpt)) throw new FileNotFoundException($"--resume: no checkpoint at '{ckpt}'.", ckpt);
            (state, stored) = Checkpoint.Load<TrainingState>(ckpt);
            o = options.ResumedFrom(state.Options);
            state = state with { Options = o };
            if (options.Runtime.ResumeLearningRate is double lr && lr != state.LearningRate)
            {
                if (!(lr > 0)) throw new ArgumentException($"The resumed learning rate must be positive, got {lr}.");
                options.Runtime.Log?.WriteLine($"learning rate set by hand: {state.LearningRate:g3} -> {lr:g3}");
                state = state with
                {
                    LearningRate = lr, EpochsSinceImprovement = 0,
                    LearningRateDrops = state.LearningRateDrops + (lr < state.LearningRate ? 1 : 0),
                };
            }
            if (!state.ClassNames.SequenceEqual(data.Train.ClassNames))
                throw new InvalidDataException($"Checkpoint '{ckpt}' was trained on classes [{string.Join(", ", state.ClassNames.Take(5))}…], the data has [{string.Join(", ", data.Train.ClassNames.Take(5))}…].");
        }
        else
        {
            o = options;
            state = new TrainingState { Options = o, ClassNames = data.Train.ClassNames.ToArray(), Channels = data.Train.Channels, LearningRate = o.Optimisation.LearningRate };
        }

        if (o.Runtime.Threads > 0) torch.set_num_threads(o.Runtime.Threads);
        arch = o.BuildArchitecture(data.Train.ClassNames.Count, data.Train.Channels);
        if (data.Train.Size != arch.ResizeSize)
            throw new InvalidDataException($"The {arch.Preset} preset reads {arch.ResizeSize}-px prepared images; the data gives {data.Train.Size} px.");
        random.manual_seed(o.Seed);
        model = new AlexNetModel(arch, o.Optimisation.Init) { MemoryFormat = o.Runtime.MemoryFormat };
        var devices = DevicePlacement.Parse(o.Runtime.Devices, arch.Towers);
        DevicePlacement.Apply(model, devices);
        device = devices[0];

        // A new run from pretrained weights; a resumed one has them (trained further) in its own checkpoint.
        if (stored == null && o.FineTuning.InitFrom is { } start)
        {
            var report = PretrainedStart.Load(model, start, data.Train.ClassNames);
            report.WriteTo(o.Runtime.RunDir);
            o.Runtime.Log?.Write(report.ToString());
        }
        if (stored != null)
        {
            TrainedModel.RestoreParameters(model, stored, ckpt);
            mean = new MeanImage(arch.InputChannels, arch.ResizeSize, stored["data.mean"].Data, arch.ChannelStatistics?.Std);
            pca = stored.TryGetValue("data.pca", out var p) ? UnpackPca(p.Data) : null;
        }
        else
        {
            // Pretrained weights expect the statistics they were trained with, not this data's mean.
            mean = arch.ChannelStatistics is { } statistics ? MeanImage.FromStatistics(statistics, arch.ResizeSize) : MeanImage.Compute(data.Train);
            // Rounded to the floats the checkpoint keeps, so a run resumed from it draws the same colour noise as this one.
            pca = o.Augmentation.PcaLighting && data.Train.Channels == 3 ? UnpackPca(PackPca(PcaLighting.Compute(data.Train))) : null;
        }
        sgd = Optimiser(model, o, state.LearningRate);
        if (stored != null) LoadVelocities(stored);
    }

    // Frozen layers leave the optimiser and the autograd graph (no gradient, update or decay for them, as requires_grad =
    // False does in PyTorch); the head's own rate is a constant multiple of ε, so every schedule moves both together.
    private static PaperSgd Optimiser(AlexNetModel model, TrainOptions o, double learningRate)
    {
        var frozen = FrozenLayers.Resolve(o.FineTuning.Freeze, model.Architecture);
        var trained = new List<(string, Tensor)>();
        foreach (var (name, p) in model.named_parameters())
        {
            bool isFrozen = FrozenLayers.IsFrozen(name, frozen);
            p.requires_grad = !isFrozen;
            if (!isFrozen) trained.Add((name, p));
        }
        if (trained.Count == 0)
            throw new ArgumentException($"Freezing {string.Join(", ", o.FineTuning.Freeze)} leaves no layer to train; leave at least the classifier head (fc8) unfrozen.");
        double headFactor = (o.FineTuning.HeadLearningRate ?? o.Optimisation.LearningRate) / o.Optimisation.LearningRate;
        return new PaperSgd(trained, learningRate, o.Optimisation.Momentum, o.Optimisation.WeightDecay,
            name => name.StartsWith("fc8.", StringComparison.Ordinal) ? headFactor : 1);
    }

    // metrics.csv (per epoch), steps.csv (every LogEvery steps) and the curve drawing both, next to the checkpoint.
    private void WriteCurves()
    {
        EpochMetrics.WriteCsv(Path.Combine(o.Runtime.RunDir, "metrics.csv"), state.History);
        StepMetrics.WriteCsv(Path.Combine(o.Runtime.RunDir, "steps.csv"), state.Steps);
        TrainingCurve.Write(Path.Combine(o.Runtime.RunDir, "training-curve.png"), state.History, state.Steps, o.Runtime.LogEvery);
    }

    /// <summary>Trains until the epochs are done, the step limit is hit, or <paramref name="stop"/> fires.</summary>
    /// <param name="stop">Cancelled by Ctrl-C: the current step finishes, a checkpoint is written, and the run returns.</param>
    public TrainResult Run(CancellationToken stop = default)
    {
        Directory.CreateDirectory(o.Runtime.RunDir);
        var (useCache, why) = BottleneckStore.Decide(o, arch);
        if (why != null) o.Runtime.Log?.WriteLine(why);
        Caches? caches = null;
        try
        {
            // Derived data, built afresh by every Run (a resumed one too) rather than trusted from an earlier process.
            if (useCache && state.CompletedEpochs < o.Epochs && (caches = BuildCaches(stop)) == null)
            {
                var ckpt = Path.Combine(o.Runtime.RunDir, CheckpointFile);
                Save(ckpt);
                o.Runtime.Log?.WriteLine($"interrupted while filling the bottleneck cache: checkpoint saved at epoch {state.CompletedEpochs + 1}, batch {state.BatchInEpoch} -> {ckpt}");
                return new TrainResult(state, true, ckpt, null);
            }
            return Train(caches, stop);
        }
        finally
        {
            caches?.Train.Dispose();
            caches?.Validation.Dispose();
        }
    }

    // The trunk's outputs for the training and validation images, which the cached epochs read instead of the images.
    private sealed record Caches(BottleneckStore Train, BottleneckStore Validation);

    private Caches? BuildCaches(CancellationToken stop)
    {
        var clock = Stopwatch.StartNew();
        long floats = (long)(data.Train.Count + data.Validation.Count) * arch.Fc6Inputs;
        bool onDisk = floats * sizeof(float) > o.Runtime.BottleneckCacheMemoryLimit;
        BottleneckStore? Build(IImageDataset images, string name) => BottleneckStore.Build(model, images, mean, o.EffectivePixelScale,
            o.Optimisation.BatchSize, o.Runtime.Workers, onDisk ? Path.Combine(o.Runtime.RunDir, $"bottleneck-{name}.f32") : null, stop);
        var train = Build(data.Train, "train");
        if (train == null) return null;
        var validation = Build(data.Validation, "validation");
        if (validation == null)
        {
            train.Dispose();
            return null;
        }
        o.Runtime.Log?.WriteLine($"bottleneck cache: {data.Train.Count:N0} training and {data.Validation.Count:N0} validation images × {arch.Fc6Inputs:N0} floats = " +
            $"{floats * sizeof(float) / 1048576.0:N1} MiB " +
            (onDisk ? $"in {train.FilePath} and {validation.FilePath} (over the {o.Runtime.BottleneckCacheMemoryLimit / 1048576.0:N0} MiB kept in memory)"
                    : $"in memory (up to {o.Runtime.BottleneckCacheMemoryLimit / 1048576.0:N0} MiB)") + $", filled in {clock.Elapsed.TotalSeconds:F1} s");
        return new Caches(train, validation);
    }

    // One training step's input: crops for the whole network, or the trunk's stored output for the head.
    private sealed record StepBatch(int Count, int[] Labels, Func<Tensor> Input, bool TrunkOutput);

    private IEnumerable<StepBatch> ImageBatches(int[] order, int epoch, CancellationToken stop)
    {
        var loader = new BatchLoader(data.Train, order, new BatchLoaderOptions
        {
            BatchSize = o.Optimisation.BatchSize, CropSize = arch.InputSize, Padding = arch.CropPadding,
            Mode = o.Augmentation.RandomCrops ? CropMode.Random : CropMode.CentreCrop, Mean = mean, Pca = pca,
            RandomErasing = o.Augmentation.RandomErasing, Seed = o.Seed, Shuffle = false, Workers = o.Runtime.Workers,
        });
        foreach (var batch in loader.Epoch(epoch, stop))
            yield return new StepBatch(batch.Count, batch.Labels, () => batch.ToTensor(arch.InputChannels, arch.InputSize, o.EffectivePixelScale, device), false);
    }

    // The same images in the same batches as ImageBatches, read from the store; ends where the loader would on a cancellation.
    private IEnumerable<StepBatch> CachedBatches(BottleneckStore store, int[] order, CancellationToken stop)
    {
        int size = o.Optimisation.BatchSize;
        for (int start = 0; start < order.Length; start += size)
        {
            if (stop.IsCancellationRequested) yield break;
            var indices = order.AsSpan(start, Math.Min(size, order.Length - start));
            var values = new float[indices.Length * store.Width];
            store.Read(indices, values);
            int count = indices.Length;
            var labels = indices.ToArray().Select(data.Train.GetLabel).ToArray();
            yield return new StepBatch(count, labels, () => tensor(values, [count, store.Width]).to(device), true);
        }
    }

    // Validation error from stored trunk outputs, scored as Evaluator scores centre crops.
    private EvaluationResult EvaluateCached(BottleneckStore store, IImageDataset dataset)
    {
        int k = arch.NumClasses, size = o.Optimisation.BatchSize;
        var probabilities = new float[dataset.Count, k];
        model.eval();
        using var _ = no_grad();
        for (int start = 0; start < dataset.Count; start += size)
        {
            using var scope = NewDisposeScope();
            int count = Math.Min(size, dataset.Count - start);
            var values = new float[count * store.Width];
            store.Read([.. Enumerable.Range(start, count)], values);
            var p = F.softmax(model.Head(tensor(values, [count, store.Width]).to(device)), 1).cpu().data<float>().ToArray();
            for (int i = 0; i < count; i++)
                for (int c = 0; c < k; c++) probabilities[start + i, c] = p[i * k + c];
        }
        return Evaluator.Errors(probabilities, [.. Enumerable.Range(0, dataset.Count).Select(dataset.GetLabel)]);
    }

    private TrainResult Train(Caches? caches, CancellationToken stop)
    {
        var ckpt = Path.Combine(o.Runtime.RunDir, CheckpointFile);
        // Only the plateau rule drops on validation; under steps or a cosine it just keeps the best validation error.
        var plateau = o.Schedule.LearningRate as LearningRateSchedule.Plateau;
        var schedule = new PlateauSchedule
        {
            Patience = plateau?.Patience ?? 0, MaxDrops = plateau?.MaxDrops ?? 0,
            BestError = state.BestValError, EpochsSinceImprovement = state.EpochsSinceImprovement, Drops = state.LearningRateDrops,
        };
        var log = o.Runtime.Log;
        bool StepLimitReached() => o.Runtime.MaxSteps is { } max && state.Step >= max;
        for (int epoch = state.CompletedEpochs; epoch < o.Epochs; epoch++)
        {
            var order = EpochOrder(data.Train.Count, o.Seed, epoch);
            int batches = (order.Length + o.Optimisation.BatchSize - 1) / o.Optimisation.BatchSize;
            var sums = state.PartialEpoch.ToArray(); // loss·n, wrong, seen, seconds
            var progress = new ProgressBar(log, $"epoch {epoch + 1}/{o.Epochs}", batches, o.Optimisation.BatchSize);
            var rest = order[(state.BatchInEpoch * o.Optimisation.BatchSize)..];
            int b = state.BatchInEpoch;
            var clock = Stopwatch.StartNew();
            var interval = state.PartialInterval.ToArray(); // loss·n, wrong, seen since the last steps.csv row
            foreach (var batch in caches != null ? CachedBatches(caches.Train, rest, stop) : ImageBatches(rest, epoch, stop))
            {
                o.Runtime.BeforeStep?.Invoke(state.Step);
                var (loss, wrong) = Step(batch, state.Step);
                sums[0] += loss * batch.Count; sums[1] += wrong; sums[2] += batch.Count;
                interval[0] += loss * batch.Count; interval[1] += wrong; interval[2] += batch.Count;
                b++;
                state = state with { Step = state.Step + 1, BatchInEpoch = b };
                if (state.Step % o.Runtime.LogEvery == 0)
                {
                    state = state with { Steps = [.. state.Steps, new StepMetrics(state.Step, epoch + (double)b / batches, interval[0] / interval[2], interval[1] / interval[2], sgd.LearningRate)] };
                    interval = [0, 0, 0];
                }
                progress.Report(b, sums[0] / sums[2], sums[1] / sums[2]);
                if (stop.IsCancellationRequested || StepLimitReached()) break;
            }
            sums[3] += clock.Elapsed.TotalSeconds;
            // Stopped inside the epoch: after a step (Ctrl-C, the step limit), or by the loader when a cancellation came
            // before its next batch was built.
            if (b < batches)
            {
                state = state with { PartialEpoch = sums, PartialInterval = interval, LearningRate = sgd.LearningRate };
                Save(ckpt);
                WriteCurves();
                progress.Finish();
                log?.WriteLine($"{(StepLimitReached() ? "step limit reached" : "interrupted")}: checkpoint saved at epoch {epoch + 1}, batch {b}/{batches} -> {ckpt}");
                return new TrainResult(state, true, ckpt, null);
            }
            progress.Finish();

            var val = caches != null ? EvaluateCached(caches.Validation, data.Validation)
                : Evaluator.Evaluate(model, data.Validation, mean, o.EffectivePixelScale, CropMode.CentreCrop, o.Optimisation.BatchSize, o.Runtime.Workers);
            var row = new EpochMetrics(epoch + 1, sgd.LearningRate, sums[0] / sums[2], sums[1] / sums[2], val.Top1Error, val.Top5Error,
                sums[3], sums[2] / Math.Max(sums[3], 1e-9));
            double nextLr = schedule.Observe(val.Top1Error, sgd.LearningRate);
            if (nextLr != sgd.LearningRate) log?.WriteLine($"validation error stopped improving: learning rate {sgd.LearningRate:g3} -> {nextLr:g3}");
            if (o.Schedule.LearningRate is LearningRateSchedule.Cosine)
                nextLr = o.CosineLearningRate(epoch + 1);
            else if (o.Schedule.LearningRate is LearningRateSchedule.Steps steps && steps.Milestones.Contains(epoch + 1))
            {
                nextLr = sgd.LearningRate * PlateauSchedule.Factor;
                log?.WriteLine($"step after epoch {epoch + 1} ({steps}): learning rate {sgd.LearningRate:g3} -> {nextLr:g3}");
            }
            sgd.LearningRate = nextLr;
            state = state with
            {
                CompletedEpochs = epoch + 1, BatchInEpoch = 0, PartialEpoch = [0, 0, 0, 0], PartialInterval = interval, LearningRate = nextLr,
                BestValError = schedule.BestError, EpochsSinceImprovement = schedule.EpochsSinceImprovement, LearningRateDrops = schedule.Drops,
                History = [.. state.History, row],
            };
            Save(ckpt);
            WriteCurves();
            log?.WriteLine($"epoch {epoch + 1}: loss {row.TrainLoss:F4}, train error {row.TrainError:P2}, val error {row.ValError:P2} (top-5 {row.ValTop5Error:P2}), {row.ImagesPerSecond:F0} images/s");
            o.Runtime.AfterEpoch?.Invoke(row);
            if (stop.IsCancellationRequested || StepLimitReached())
                return new TrainResult(state, epoch + 1 < o.Epochs, ckpt, null);
        }

        var heldOut = data.Test ?? data.Validation;
        var centre = Evaluator.Evaluate(model, heldOut, mean, o.EffectivePixelScale, CropMode.CentreCrop, o.Optimisation.BatchSize, o.Runtime.Workers);
        var ten = o.Runtime.TenCropAtEnd ? Evaluator.Evaluate(model, heldOut, mean, o.EffectivePixelScale, CropMode.TenCrop, Math.Max(1, o.Optimisation.BatchSize / 10), o.Runtime.Workers) : null;
        var final = new FinalEvaluation(data.Test != null ? "test" : "val", centre, ten);
        log?.WriteLine($"{final.Dataset}: centre crop top-1 error {centre.Top1Error:P2}, top-5 {centre.Top5Error:P2}" +
                       (ten != null ? $"; ten-crop top-1 error {ten.Top1Error:P2}, top-5 {ten.Top5Error:P2}" : ""));
        final.Write(Path.Combine(o.Runtime.RunDir, FinalEvaluation.FileName));
        string? onnx = null;
        if (o.Runtime.Export)
        {
            onnx = Path.Combine(o.Runtime.RunDir, "model.onnx");
            ModelExport.Write(model, mean, o.EffectivePixelScale, state.ClassNames, onnx, ModelExport.Summary(state, final));
            log?.WriteLine($"exported {onnx}");
        }
        return new TrainResult(state, false, ckpt, final, onnx);
    }

    private (double Loss, long Wrong) Step(StepBatch batch, long step)
    {
        using var scope = NewDisposeScope();
        // Dropout masks depend on (seed, step) only; the trunk draws no random numbers, so the head's masks are the same
        // whether it reads the trunk's output fresh or from the bottleneck cache.
        random.manual_seed(o.Seed * 1_000_003L + step);
        model.train();
        var x = batch.Input();
        var y = tensor(batch.Labels.Select(l => (long)l).ToArray()).to(device);
        var logits = batch.TrunkOutput ? model.Head(x) : model.forward(x);
        var loss = Loss(logits, y, o.Optimisation.LabelSmoothing);
        sgd.ZeroGrad();
        float value = loss.item<float>();
        if (!float.IsFinite(value))
            throw new NonFiniteLossException($"The loss became {value} at step {step + 1} (learning rate {sgd.LearningRate:g3}); stopped. " +
                $"The last good checkpoint in '{o.Runtime.RunDir}' is kept; try a lower --lr.");
        loss.backward();
        sgd.Step();
        long wrong = logits.argmax(1).ne(y).sum().item<long>();
        return (value, wrong);
    }

    /// <summary>
    /// The training loss: mean cross-entropy of the softmax of <paramref name="logits"/> against the labels, with the target
    /// 1 − s on the true class plus s spread evenly over all classes (s = 0 is the paper's loss).
    /// </summary>
    /// <param name="logits">[N, classes] scores.</param>
    /// <param name="labels">[N] class indices.</param>
    /// <param name="labelSmoothing">s, the share of the target spread over all classes.</param>
    public static Tensor Loss(Tensor logits, Tensor labels, double labelSmoothing) =>
        F.cross_entropy(logits, labels, label_smoothing: labelSmoothing);

    /// <summary>The training images' order in an epoch: a permutation seeded by (seed, epoch).</summary>
    /// <param name="count">Images.</param>
    /// <param name="seed">Run seed.</param>
    /// <param name="epoch">0-based epoch.</param>
    public static int[] EpochOrder(int count, int seed, int epoch)
    {
        // SplitMix64, not HashCode.Combine: .NET randomises HashCode per process, which would give a resumed
        // run in a new process a different order than the one it interrupted.
        var order = Enumerable.Range(0, count).ToArray();
        SplitMix64.For(seed, epoch, -1).Shuffle(order);
        return order;
    }

    /// <summary>Writes the checkpoint (weights, velocities, mean, PCA, state) atomically.</summary>
    /// <param name="path">Destination.</param>
    public void Save(string path)
    {
        using var scope = NewDisposeScope();
        var tensors = new List<KeyValuePair<string, StoredTensor>>();
        foreach (var (name, p) in model.NamedState()) tensors.Add(new("model." + name, Store(p)));
        foreach (var (name, v) in sgd.Velocity) tensors.Add(new("velocity." + name, Store(v)));
        tensors.Add(new("data.mean", new StoredTensor([mean.Values.Length], mean.Values)));
        if (pca != null) tensors.Add(new("data.pca", new StoredTensor([12], PackPca(pca))));
        Checkpoint.Save(path, state, tensors);
    }

    private static StoredTensor Store(Tensor t) => new(t.shape, t.detach().cpu().data<float>().ToArray());

    private void LoadVelocities(Dictionary<string, StoredTensor> stored)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        foreach (var (name, v) in sgd.Velocity)
            if (stored.TryGetValue("velocity." + name, out var s)) v.copy_(tensor(s.Data, s.Shape));
    }

    // λ1..3 then the eigenvector matrix row by row.
    private static float[] PackPca(PcaLighting p) =>
        [.. p.EigenValues.Select(v => (float)v), .. Enumerable.Range(0, 9).Select(i => (float)p.EigenVectors[i / 3, i % 3])];

    private static PcaLighting UnpackPca(float[] d)
    {
        var vectors = new double[3, 3];
        for (int i = 0; i < 9; i++) vectors[i / 3, i % 3] = d[3 + i];
        return new PcaLighting([d[0], d[1], d[2]], vectors);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        sgd.Dispose();
        model.Dispose();
    }
}
