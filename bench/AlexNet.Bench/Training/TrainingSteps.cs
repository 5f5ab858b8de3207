using AlexNet.Onnx.Imaging;
using AlexNet.Bench.Harness;
using AlexNet.Training.Data;
using AlexNet.Training.Model;
using AlexNet.Training.Training;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace AlexNet.Bench.Training;

/// <summary>
/// Ours: training steps at batch 128 as <see cref="Trainer"/> runs them — a <see cref="BatchLoader"/> with the trainer's
/// defaults (random crops and flips, mean, PCA for RGB, 2 workers) prefetching in the background, and per step the
/// trainer's own sequence (tensor from the batch, pixel scale, forward, cross-entropy, zero grad, loss read, backward,
/// <see cref="PaperSgd"/> step, error count) inside a dispose scope.
/// </summary>
public sealed class TrainingSteps : BenchCase
{
    private AlexNetModel? _model;
    private PaperSgd? _sgd;
    private BatchLoader? _loader;
    private readonly BenchTrainingData _data;
    private readonly int _batchSize, _workers;
    private IEnumerator<Batch>? _batches;
    private int _epoch;
    private long _step;
    private readonly bool _withoutLrn;
    private readonly bool _reference;
    private readonly bool _modelPerRun;
    private readonly MemoryFormat _memoryFormat;

    /// <summary>Builds the model, optimizer and loader (at once, or for each timed run with <paramref name="modelPerRun"/>).</summary>
    /// <param name="data">Images, mean, PCA, architecture.</param>
    /// <param name="batchSize">128.</param>
    /// <param name="workers">Loader threads (the trainer's default is 2).</param>
    /// <param name="withoutLrn">The same step with LRN removed, to show LRN's share of a step.</param>
    /// <param name="referenceForms">The same step with every layer in its straightforward form (<see cref="AlexNetModel.ReferenceForms"/>:
    /// LRN written out, libtorch's max-pooling, activations into new tensors), as before issue 25.</param>
    /// <param name="modelPerRun">Build the model, optimizer and loader at the start of each <see cref="Measure"/> (plus
    /// one untimed step) and release them at its end, so that one model is alive at a time, as in the trainer. The
    /// speed bench holds four training cases of ours; with three paper models alive the same step ran ~10 % slower
    /// (docs/benchmarks/2026-12-01-training-speed-lrn-maxpool.md).</param>
    /// <param name="memoryFormat">The activations' layout (<see cref="AlexNetModel.MemoryFormat"/>); null: the trainer's
    /// (<see cref="RuntimeOptions.MemoryFormat"/>). The straightforward forms run contiguous, as before issue 25.</param>
    public TrainingSteps(BenchTrainingData data, int batchSize = 128, int workers = 2, bool withoutLrn = false, bool referenceForms = false,
        bool modelPerRun = false, MemoryFormat? memoryFormat = null)
    {
        _data = data;
        _batchSize = batchSize;
        _workers = workers;
        _withoutLrn = withoutLrn;
        _reference = referenceForms && !withoutLrn;
        _modelPerRun = modelPerRun;
        _memoryFormat = _reference ? MemoryFormat.Contiguous : memoryFormat ?? TrainersMemoryFormat;
        if (!modelPerRun) Build();
    }

    private void Build()
    {
        manual_seed(1);
        _model = new AlexNetModel(_withoutLrn ? _data.Architecture with { Lrn = null } : _data.Architecture, InitScheme.Kaiming)
        {
            ReferenceForms = _reference, MemoryFormat = _memoryFormat,
        };
        _sgd = new PaperSgd(_model.named_parameters().Select(p => (p.name, (Tensor)p.parameter)));
        _loader = new BatchLoader(_data.Dataset, null, new BatchLoaderOptions
        {
            BatchSize = _batchSize, CropSize = _data.Architecture.InputSize, Mode = CropMode.Random, Mean = _data.Mean, Pca = _data.Pca,
            Seed = 1, Workers = _workers,
        });
        _epoch = 0;
        _batches = _loader.Epoch(0).GetEnumerator();
    }

    private void Release()
    {
        _batches?.Dispose();
        _sgd?.Dispose();
        _model?.Dispose();
        (_batches, _sgd, _model, _loader) = (null, null, null, null);
    }

    /// <inheritdoc/>
    public override double Measure(double minSeconds)
    {
        if (!_modelPerRun) return base.Measure(minSeconds);
        Build();
        try
        {
            Step();   // a new model's first step pays its first touch of every buffer
            return base.Measure(minSeconds);
        }
        finally
        {
            Release();
        }
    }

    /// <summary>Steps taken so far.</summary>
    public long Steps => _step;

    /// <summary>The layout the trainer runs the activations in unless told otherwise.</summary>
    public static MemoryFormat TrainersMemoryFormat => new RuntimeOptions().MemoryFormat;

    /// <summary>A memory format as the CLI's --memory-format writes it.</summary>
    public static string Name(MemoryFormat format) => format == MemoryFormat.ChannelsLast ? "channels-last" : "contiguous";

    /// <inheritdoc/>
    public override string Key => _withoutLrn ? "train.ours.nolrn" : _reference ? "train.ours.reference"
        : _memoryFormat == TrainersMemoryFormat ? "train.ours" : $"train.ours.{Name(_memoryFormat)}";
    /// <inheritdoc/>
    public override string Description => _withoutLrn
        ? $"ours without LRN (the same step; the difference is LRN's share), {Name(_memoryFormat)}"
        : _reference
            ? "before: the same step with the straightforward forms (LRN written out, libtorch's max-pooling, activations into new tensors), contiguous"
            : _memoryFormat == TrainersMemoryFormat
                ? $"ours: TorchSharp trainer step (BatchLoader + forward/backward + PaperSgd), batch 128, activations {Name(_memoryFormat)} (the trainer's default)"
                : $"ours, activations {Name(_memoryFormat)} (the same step in the other --memory-format)";

    /// <inheritdoc/>
    protected override double Step()
    {
        var batch = NextBatch();
        var a = _data.Architecture;
        using var scope = NewDisposeScope();
        random.manual_seed(1_000_003L + _step);
        _model!.train();
        var x = batch.ToTensor(a.InputChannels, a.InputSize, 1.0 / 255, CPU);
        var y = tensor(batch.Labels.Select(l => (long)l).ToArray());
        var logits = _model.forward(x);
        var loss = F.cross_entropy(logits, y);
        _sgd!.ZeroGrad();
        float value = loss.item<float>();
        loss.backward();
        _sgd.Step();
        long wrong = logits.argmax(1).ne(y).sum().item<long>();
        _step++;
        return float.IsFinite(value) && wrong >= 0 ? batch.Count : throw new InvalidOperationException($"Loss {value}.");
    }

    private Batch NextBatch()
    {
        while (!_batches!.MoveNext())
        {
            _batches.Dispose();
            _batches = _loader!.Epoch(++_epoch).GetEnumerator();
        }
        return _batches.Current;
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        Release();
        base.Dispose();
    }
}
