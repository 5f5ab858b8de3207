using AlexNet.Bench.Harness;
using AlexNet.Onnx;
using AlexNet.Onnx.Runtime;

namespace AlexNet.Bench.Inference;

/// <summary>(c) Ours: <see cref="BatchScorer.ScoreImages"/> on a batch of image files: decode, resize, centre crop and score.</summary>
public sealed class ScorerWithDecoding : BenchCase
{
    private readonly BatchScorer _scorer;
    private readonly string[] _batch;

    /// <summary>Opens a scorer with default session options.</summary>
    /// <param name="model">The opened model.</param>
    /// <param name="paths">Images, repeated to fill the batch.</param>
    /// <param name="batch">Images per call.</param>
    public ScorerWithDecoding(ModelFile model, IReadOnlyList<string> paths, int batch)
    {
        _scorer = new BatchScorer(model);
        _batch = Enumerable.Range(0, batch).Select(i => paths[i % paths.Count]).ToArray();
    }

    /// <inheritdoc/>
    public override string Key => "infer.c";
    /// <inheritdoc/>
    public override string Description => $"(c) ours: BatchScorer.ScoreImages, batch {_batch.Length}, decode + resize + crop included";

    /// <inheritdoc/>
    protected override double Step()
    {
        var scores = _scorer.ScoreImages(_batch);
        return scores.Count;
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        _scorer.Dispose();
        base.Dispose();
    }
}
