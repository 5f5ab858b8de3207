using AlexNet.MLNet;
using AlexNet.MLNet.Serving;
using AlexNet.Onnx.Imaging;
using Microsoft.ML;

namespace AlexNet.Samples.WebApp;

/// <summary>
/// The app's one model: an AlexNet ten-crop pipeline over a column of image paths, shared by every request through a
/// pool of prediction engines (a <c>PredictionEngine</c> is not thread-safe). Uploaded bytes are decoded first, so a
/// corrupt upload is answered with the decoder's reason before ML.NET sees it. Dispose it at shutdown: that releases
/// the ONNX Runtime session and deletes the copy of the serving graph ML.NET keeps in the temp folder.
/// </summary>
public sealed class ImageClassifier : IDisposable
{
    private readonly PooledPredictionEngine<PathRow, ScoreRow> _pool;
    private readonly AlexNetTransformer _model;

    /// <summary>Class labels in score order.</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>The model file served.</summary>
    public string ModelPath { get; }

    /// <summary>Loads the model and builds the pipeline.</summary>
    /// <param name="modelPath">A model.onnx exported by AlexNet.Training.</param>
    /// <exception cref="AlexNet.Onnx.ModelFileException">The file is missing or not an AlexNet model.</exception>
    public ImageClassifier(string modelPath)
    {
        var ml = new MLContext();
        var estimator = ml.Transforms.ClassifyImagesWithAlexNet(modelPath, nameof(PathRow.ImagePath));
        var empty = ml.Data.LoadFromEnumerable(Array.Empty<PathRow>());
        _model = estimator.Fit(empty);
        _pool = new PooledPredictionEngine<PathRow, ScoreRow>(ml, _model);
        Labels = estimator.Labels;
        ModelPath = Path.GetFullPath(modelPath);
    }

    /// <summary>Releases the model's ONNX Runtime session (the pool's engines do not own it).</summary>
    public void Dispose() => _model.Dispose();

    /// <summary>Classifies one encoded image.</summary>
    /// <param name="encoded">The uploaded file's bytes (JPEG, PNG, …).</param>
    /// <param name="name">The upload's name, used in error messages.</param>
    /// <param name="top">How many classes to list, most probable first.</param>
    /// <exception cref="ImageDecodeException">Empty, truncated, corrupt, too large or not an image.</exception>
    public Classification Classify(byte[] encoded, string name, int top)
    {
        ImageDecoder.Decode(encoded, name).Dispose();
        // The pipeline reads image paths, so the checked bytes go through a private temporary file.
        var temp = Path.Combine(Path.GetTempPath(), $"alexnet-upload-{Guid.NewGuid():N}");
        try
        {
            File.WriteAllBytes(temp, encoded);
            var p = _pool.Predict(new PathRow { ImagePath = temp });
            var scores = Labels.Select((label, i) => new LabelScore(label, p.Score[i])).ToArray();
            return new Classification(p.PredictedLabel, scores.OrderByDescending(s => s.Score).Take(top).ToArray(), scores);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>Input row.</summary>
    public sealed class PathRow
    {
        /// <summary>Path of the image file.</summary>
        public string ImagePath { get; set; } = "";
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
