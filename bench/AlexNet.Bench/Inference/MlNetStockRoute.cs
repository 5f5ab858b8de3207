using AlexNet.Bench.Harness;
using AlexNet.Onnx;
using AlexNet.Onnx.Export;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace AlexNet.Bench.Inference;

/// <summary>
/// (b) The stock route a user would write on the plain exported model: <c>LoadImages → ResizeImages(S, S, IsoCrop)
/// → ExtractPixels → ApplyOnnxModel</c>, one centre crop per image. ML.NET has no mean-image transform, so the pixels
/// are shifted by the mean's average level and scaled (the same amount of work per pixel).
/// </summary>
public sealed class MlNetStockRoute : BenchCase
{
    private readonly PredictionEngine<PathRow, Prediction> _engine;
    private readonly PathRow[] _rows;
    private int _next;

    /// <summary>Fits the stock pipeline and creates the engine.</summary>
    /// <param name="model">The opened plain model.onnx.</param>
    /// <param name="paths">Images, predicted in turn.</param>
    public MlNetStockRoute(ModelFile model, IReadOnlyList<string> paths)
    {
        var ml = new MLContext(seed: 1);
        var m = model.Metadata;
        _rows = paths.Select(p => new PathRow { ImagePath = p }).ToArray();
        float meanLevel = m.Mean.Values.Average() / m.PixelScale;
        var pipeline = ml.Transforms.LoadImages("Image", imageFolder: null, nameof(PathRow.ImagePath))
            .Append(ml.Transforms.ResizeImages("Resized", m.InputSize, m.InputSize, "Image",
                ImageResizingEstimator.ResizingKind.IsoCrop, ImageResizingEstimator.Anchor.Center))
            .Append(ml.Transforms.ExtractPixels(AlexNetOnnxNames.Input, "Resized",
                colorsToExtract: m.InputChannels == 1 ? ImagePixelExtractingEstimator.ColorBits.Red : ImagePixelExtractingEstimator.ColorBits.Rgb,
                interleavePixelColors: false, offsetImage: -meanLevel, scaleImage: m.PixelScale))
            .Append(ml.Transforms.ApplyOnnxModel([AlexNetOnnxNames.Probabilities], [AlexNetOnnxNames.Input], model.Path));
        var fitted = pipeline.Fit(ml.Data.LoadFromEnumerable(_rows));
        _engine = ml.Model.CreatePredictionEngine<PathRow, Prediction>(fitted);
    }

    /// <inheritdoc/>
    public override string Key => "infer.b";
    /// <inheritdoc/>
    public override string Description => "(b) ML.NET stock: LoadImages → ResizeImages → ExtractPixels → ApplyOnnxModel, centre crop";

    /// <inheritdoc/>
    protected override double Step()
    {
        var p = _engine.Predict(_rows[_next++ % _rows.Length]);
        if (p.Probabilities.Length == 0) throw new InvalidOperationException("No score.");
        return 1;
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        _engine.Dispose();
        base.Dispose();
    }

    /// <summary>The output row.</summary>
    public sealed class Prediction
    {
        /// <summary>Softmax output of the plain model.</summary>
        [ColumnName(AlexNetOnnxNames.Probabilities)]
        public float[] Probabilities { get; set; } = [];
    }
}
