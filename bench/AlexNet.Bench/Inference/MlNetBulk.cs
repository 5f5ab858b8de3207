using AlexNet.Bench.Harness;
using AlexNet.MLNet;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace AlexNet.Bench.Inference;

/// <summary>
/// Bulk scoring: <c>ClassifyImagesWithAlexNet(model, "ImagePath")</c> fitted once, then every step transforms a data view
/// of <c>count</c> image paths and reads every row's ten-crop <c>Score</c>. Batch size 1 is ML.NET's own ONNX step, one
/// image per ONNX Runtime run (what a reloaded zip does); larger sizes are <c>AlexNetTransformer.Transform</c>'s
/// batches. File check, decode, resize and pixels are included.
/// </summary>
public sealed class MlNetBulk : BenchCase
{
    private readonly MLContext _ml = new(seed: 1);
    private readonly AlexNetTransformer _model;
    private readonly IDataView _rows;
    private readonly int _count, _batchSize;

    /// <summary>Fits the pipeline.</summary>
    /// <param name="modelPath">model.onnx.</param>
    /// <param name="paths">Images, repeated to <paramref name="count"/> rows.</param>
    /// <param name="count">Rows per step.</param>
    /// <param name="batchSize">Images per ONNX Runtime run; 1 for row by row.</param>
    public MlNetBulk(string modelPath, IReadOnlyList<string> paths, int count, int batchSize)
    {
        _count = count;
        _batchSize = batchSize;
        _rows = _ml.Data.LoadFromEnumerable(Enumerable.Range(0, count).Select(i => new PathRow { ImagePath = paths[i % paths.Count] }).ToArray());
        _model = _ml.Transforms.ClassifyImagesWithAlexNet(modelPath, nameof(PathRow.ImagePath), new AlexNetOptions { BatchSize = batchSize }).Fit(_rows);
    }

    /// <inheritdoc/>
    public override string Key => $"bulk.b{_batchSize}";
    /// <inheritdoc/>
    public override string Description => _batchSize == 1
        ? $"row by row: ML.NET's ONNX step, one image per ONNX Runtime run ({_count} rows a step)"
        : $"batched: AlexNetTransformer.Transform, {_batchSize} images ({10 * _batchSize} crops) per ONNX Runtime run";
    /// <inheritdoc/>
    public override int CropsPerImage => 10;

    /// <inheritdoc/>
    protected override double Step()
    {
        int rows = 0;
        foreach (var score in _model.Transform(_rows).GetColumn<float[]>("Score"))
        {
            if (score.Length == 0) throw new InvalidOperationException("No score.");
            rows++;
        }
        if (rows != _count) throw new InvalidOperationException($"{rows} rows scored of {_count}.");
        return rows;
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        _model.Dispose();
        base.Dispose();
    }
}
