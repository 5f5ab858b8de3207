using AlexNet.MLNet.Images;
using AlexNet.MLNet.Serving;
using AlexNet.Onnx.Imaging;
using Microsoft.ML;

namespace AlexNet.Samples.WebApp;

/// <summary>
/// The app's one model: an AlexNet ten-crop pipeline over in-memory images, shared by every request through a bounded
/// pool of prediction engines (a <c>PredictionEngine</c> is not thread-safe). An upload is decoded once, in memory
/// (<see cref="ImageInput.Decode"/>: a corrupt upload is answered with the decoder's reason, naming it), and the
/// decoded image goes straight into the pipeline. Dispose it at shutdown: that releases the engines, the ONNX Runtime
/// session and the serving graph's temp file.
/// </summary>
public sealed class ImageClassifier : IDisposable
{
    private readonly PooledPredictionEngine<ImageInput, ScoreRow> _pool;
    private readonly ITransformer _model;

    /// <summary>Class labels in score order.</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>The model file served.</summary>
    public string ModelPath { get; }

    /// <summary>Loads the model and builds the pipeline.</summary>
    /// <param name="modelPath">A model.onnx exported by AlexNet.Training.</param>
    /// <exception cref="AlexNet.Onnx.ModelFileException">The file is missing, damaged or not an AlexNet model.</exception>
    public ImageClassifier(string modelPath)
    {
        var ml = new MLContext();
        var estimator = ml.Transforms.ClassifyImagesWithAlexNet(modelPath, nameof(ImageInput.Image));
        // PredictedLabel is a key over the classes, as after any ML.NET trainer; MapKeyToValue gives the class name.
        var pipeline = estimator.Append(ml.Transforms.Conversion.MapKeyToValue(nameof(ScoreRow.PredictedLabel)));
        _model = pipeline.Fit(ml.Data.LoadFromEnumerable(Array.Empty<ImageInput>(), ImageInput.Schema()));
        _pool = new PooledPredictionEngine<ImageInput, ScoreRow>(ml, _model, inputSchema: ImageInput.Schema());
        Labels = estimator.Labels;
        ModelPath = estimator.Model.Path;
    }

    /// <summary>Disposes the pool's engines and the model (its ONNX Runtime session and temp file).</summary>
    public void Dispose()
    {
        _pool.Dispose();
        (_model as IDisposable)?.Dispose();
    }

    /// <summary>Classifies one encoded image.</summary>
    /// <param name="encoded">The uploaded file's bytes (JPEG, PNG, …).</param>
    /// <param name="name">The upload's name, used in error messages.</param>
    /// <param name="top">How many classes to list, most probable first.</param>
    /// <exception cref="ImageDecodeException">Empty, truncated, corrupt, too large or not an image.</exception>
    public Classification Classify(byte[] encoded, string name, int top)
    {
        using var image = ImageInput.Decode(encoded, name);
        var p = _pool.Predict(new ImageInput { Image = image });
        var scores = Labels.Select((label, i) => new LabelScore(label, p.Score[i])).ToArray();
        return new Classification(p.PredictedLabel, scores.OrderByDescending(s => s.Score).Take(top).ToArray(), scores);
    }

    /// <summary>Output row.</summary>
    public sealed class ScoreRow
    {
        /// <summary>Ten-crop averaged probabilities.</summary>
        public float[] Score { get; set; } = [];
        /// <summary>The most probable label.</summary>
        public string PredictedLabel { get; set; } = "";
    }
}

/// <summary>One class and its probability.</summary>
/// <param name="Label">Class name.</param>
/// <param name="Score">Probability averaged over the ten crops.</param>
public sealed record LabelScore(string Label, float Score);

/// <summary>The answer to POST /classify.</summary>
/// <param name="Label">The most probable class.</param>
/// <param name="Top">The most probable classes, best first.</param>
/// <param name="Scores">Every class's probability, in the model's label order (they sum to 1).</param>
public sealed record Classification(string Label, IReadOnlyList<LabelScore> Top, IReadOnlyList<LabelScore> Scores);
