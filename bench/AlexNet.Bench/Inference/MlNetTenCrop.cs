using AlexNet.Bench.Harness;
using AlexNet.MLNet;
using Microsoft.ML;

namespace AlexNet.Bench.Inference;

/// <summary>
/// (a) Ours: <c>ClassifyImagesWithAlexNet(model, "ImagePath")</c> with the paper's ten-crop average, one image per
/// <c>PredictionEngine.Predict</c> (the file check, load, resize, pixels and the serving graph included).
/// </summary>
public sealed class MlNetTenCrop : BenchCase
{
    private readonly PredictionEngine<PathRow, Prediction> _engine;
    private readonly PathRow[] _rows;
    private int _next;

    private readonly bool _ownLoadImages;

    /// <summary>Fits the pipeline and creates the engine.</summary>
    /// <param name="modelPath">model.onnx.</param>
    /// <param name="paths">Images, predicted in turn.</param>
    /// <param name="ownLoadImages">Put the app's own <c>LoadImages</c> first and classify the image column (no file check).</param>
    public MlNetTenCrop(string modelPath, IReadOnlyList<string> paths, bool ownLoadImages = false)
    {
        var ml = new MLContext(seed: 1);
        _ownLoadImages = ownLoadImages;
        _rows = paths.Select(p => new PathRow { ImagePath = p }).ToArray();
        var estimator = ownLoadImages
            ? ml.Transforms.LoadImages("Image", imageFolder: null, nameof(PathRow.ImagePath)).Append(ml.Transforms.ClassifyImagesWithAlexNet(modelPath, "Image"))
            : (IEstimator<ITransformer>)ml.Transforms.ClassifyImagesWithAlexNet(modelPath, nameof(PathRow.ImagePath));
        var model = estimator.Fit(ml.Data.LoadFromEnumerable(_rows));
        _engine = ml.Model.CreatePredictionEngine<PathRow, Prediction>(model);
    }

    /// <inheritdoc/>
    public override string Key => _ownLoadImages ? "infer.a-img" : "infer.a";
    /// <inheritdoc/>
    public override string Description => _ownLoadImages
        ? "(a) ours after the app's own LoadImages (image column: no file check), ten-crop"
        : "(a) ours: ML.NET ClassifyImagesWithAlexNet, ten-crop, PredictionEngine, path column";
    /// <inheritdoc/>
    public override int CropsPerImage => 10;

    /// <inheritdoc/>
    protected override double Step()
    {
        var p = _engine.Predict(_rows[_next++ % _rows.Length]);
        if (p.Score.Length == 0) throw new InvalidOperationException("No score.");
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
        /// <summary>Class probabilities averaged over the crops.</summary>
        public float[] Score { get; set; } = [];
        /// <summary>The label: a key over the classes.</summary>
        public uint PredictedLabel { get; set; }
    }
}
