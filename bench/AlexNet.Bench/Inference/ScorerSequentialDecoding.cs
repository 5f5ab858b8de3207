using AlexNet.Bench.Harness;
using AlexNet.Onnx;
using AlexNet.Onnx.Imaging;
using AlexNet.Onnx.Runtime;

namespace AlexNet.Bench.Inference;

/// <summary>
/// (c) as it was before the parallel decode: the images of a batch decoded, resized and cropped one after another on
/// one thread, then <see cref="BatchScorer.Score(ReadOnlySpan{float})"/>. Kept to show the change side by side.
/// </summary>
public sealed class ScorerSequentialDecoding : BenchCase
{
    private readonly BatchScorer _scorer;
    private readonly ModelFile _model;
    private readonly string[] _batch;

    /// <summary>Opens a scorer with default session options.</summary>
    /// <param name="model">The opened model.</param>
    /// <param name="paths">Images, repeated to fill the batch.</param>
    /// <param name="batch">Images per call.</param>
    public ScorerSequentialDecoding(ModelFile model, IReadOnlyList<string> paths, int batch)
    {
        _model = model;
        _scorer = new BatchScorer(model);
        _batch = Enumerable.Range(0, batch).Select(i => paths[i % paths.Count]).ToArray();
    }

    /// <inheritdoc/>
    public override string Key => "infer.c-before";
    /// <inheritdoc/>
    public override string Description => $"(c) before: sequential decode, then BatchScorer.Score, batch {_batch.Length}";

    /// <inheritdoc/>
    protected override double Step()
    {
        var m = _model.Metadata;
        var prepared = new float[m.InputChannels * m.ResizeSize * m.ResizeSize];
        var crops = new float[_batch.Length * _model.CropLength];
        for (int i = 0; i < _batch.Length; i++)
        {
            PaperPreparation.Load(_batch[i], m.ResizeSize, m.InputChannels, prepared);
            ImageCrops.Centre(m, prepared, crops.AsSpan(i * _model.CropLength, _model.CropLength));
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
