using AlexNet.Bench.Harness;
using AlexNet.Onnx;
using AlexNet.Onnx.Imaging;
using AlexNet.Onnx.Runtime;

namespace AlexNet.Bench.Inference;

/// <summary>
/// (c) Ours: <see cref="BatchScorer.ScoreImages"/> on a batch of image files (decode, resize, centre crop and
/// score, the decoding overlapped with scoring), or the earlier form for comparison: every image decoded first, then
/// one <see cref="BatchScorer.Score(ReadOnlySpan{float})"/> call.
/// </summary>
public sealed class ScorerWithDecoding : BenchCase
{
    private readonly BatchScorer _scorer;
    private readonly string[] _batch;
    private readonly bool _decodeFirst;

    /// <summary>Opens a scorer with default session options.</summary>
    /// <param name="model">The opened model.</param>
    /// <param name="paths">Images, repeated to fill the batch.</param>
    /// <param name="batch">Images per call.</param>
    /// <param name="decodeFirst">Decode all images, then score (the form before the overlap).</param>
    public ScorerWithDecoding(ModelFile model, IReadOnlyList<string> paths, int batch, bool decodeFirst = false)
    {
        _scorer = new BatchScorer(model);
        _batch = Enumerable.Range(0, batch).Select(i => paths[i % paths.Count]).ToArray();
        _decodeFirst = decodeFirst;
    }

    /// <inheritdoc/>
    public override string Key => _decodeFirst ? "infer.c.before" : "infer.c";
    /// <inheritdoc/>
    public override string Description => _decodeFirst
        ? $"(c) before: decode + resize + crop all {_batch.Length} images, then one BatchScorer.Score call"
        : $"(c) ours: BatchScorer.ScoreImages, batch {_batch.Length}, decode + resize + crop included (overlapped with scoring)";

    /// <inheritdoc/>
    protected override double Step()
    {
        if (!_decodeFirst) return _scorer.ScoreImages(_batch).Count;
        var metadata = _scorer.Model.Metadata;
        int r = metadata.ResizeSize, c = metadata.InputChannels, length = _scorer.CropLength;
        var prepared = new float[c * r * r];
        var crops = new float[_batch.Length * length];
        for (int i = 0; i < _batch.Length; i++)
        {
            PaperPreparation.Load(_batch[i], r, c, prepared);
            ImageCrops.Centre(metadata, prepared, crops.AsSpan(i * length, length));
        }
        return _scorer.Score(crops).Count;
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        _scorer.Dispose();
        base.Dispose();
    }
}
