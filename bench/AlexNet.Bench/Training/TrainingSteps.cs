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
    private readonly AlexNetModel _model;
    private readonly PaperSgd _sgd;
    private readonly BatchLoader _loader;
    private readonly BenchTrainingData _data;
    private IEnumerator<Batch> _batches;
    private int _epoch;
    private long _step;
    private readonly bool _withoutLrn;
    private readonly bool _reference;

    /// <summary>Builds the model, optimizer and loader.</summary>
    /// <param name="data">Images, mean, PCA, architecture.</param>
    /// <param name="batchSize">128.</param>
    /// <param name="workers">Loader threads (the trainer's default is 2).</param>
    /// <param name="withoutLrn">The same step with LRN removed, to show LRN's share of a step.</param>
    /// <param name="referenceForms">The same step with every layer in its straightforward form (<see cref="AlexNetModel.ReferenceForms"/>:
    /// LRN written out, activations into new tensors), as before issue 25.</param>
    public TrainingSteps(BenchTrainingData data, int batchSize = 128, int workers = 2, bool withoutLrn = false, bool referenceForms = false)
    {
        _data = data;
        _withoutLrn = withoutLrn;
        _reference = referenceForms && !withoutLrn;
        manual_seed(1);
        _model = new AlexNetModel(withoutLrn ? data.Architecture with { Lrn = null } : data.Architecture, InitScheme.Kaiming) { ReferenceForms = _reference };
        _sgd = new PaperSgd(_model.named_parameters().Select(p => (p.name, (Tensor)p.parameter)));
        _loader = new BatchLoader(data.Dataset, null, new BatchLoaderOptions
        {
            BatchSize = batchSize, CropSize = data.Architecture.InputSize, Mode = CropMode.Random, Mean = data.Mean, Pca = data.Pca,
            Seed = 1, Workers = workers,
        });
        _batches = _loader.Epoch(0).GetEnumerator();
    }

    /// <summary>Steps taken so far.</summary>
    public long Steps => _step;

    /// <inheritdoc/>
    public override string Key => _withoutLrn ? "train.ours.nolrn" : _reference ? "train.ours.reference" : "train.ours";
    /// <inheritdoc/>
    public override string Description => _withoutLrn
        ? "ours without LRN (the same step; the difference is LRN's share)"
        : _reference
            ? "before: the same step with the straightforward forms (LRN written out, activations into new tensors)"
            : "ours: TorchSharp trainer step (BatchLoader + forward/backward + PaperSgd), batch 128";

    /// <inheritdoc/>
    protected override double Step()
    {
        var batch = NextBatch();
        var a = _data.Architecture;
        using var scope = NewDisposeScope();
        random.manual_seed(1_000_003L + _step);
        _model.train();
        var x = tensor(batch.Images, [batch.Count, a.InputChannels, a.InputSize, a.InputSize]) * (1.0 / 255);
        var y = tensor(batch.Labels.Select(l => (long)l).ToArray());
        var logits = _model.forward(x);
        var loss = F.cross_entropy(logits, y);
        _sgd.ZeroGrad();
        float value = loss.item<float>();
        loss.backward();
        _sgd.Step();
        long wrong = logits.argmax(1).ne(y).sum().item<long>();
        _step++;
        return float.IsFinite(value) && wrong >= 0 ? batch.Count : throw new InvalidOperationException($"Loss {value}.");
    }

    private Batch NextBatch()
    {
        while (!_batches.MoveNext())
        {
            _batches.Dispose();
            _batches = _loader.Epoch(++_epoch).GetEnumerator();
        }
        return _batches.Current;
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        _batches.Dispose();
        _sgd.Dispose();
        _model.Dispose();
        base.Dispose();
    }
}
