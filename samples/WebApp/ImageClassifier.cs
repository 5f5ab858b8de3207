using System.Security.Cryptography;
using AlexNet.MLNet;
using AlexNet.MLNet.Images;
using AlexNet.MLNet.Serving;
using AlexNet.Onnx.Imaging;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace AlexNet.Samples.WebApp;

/// <summary>
/// The app's one model: an AlexNet ten-crop pipeline over in-memory images, shared by every request through a bounded
/// pool of prediction engines (a <c>PredictionEngine</c> is not thread-safe). An upload is decoded once, in memory
/// (<see cref="ImageInput.Decode"/>: a corrupt upload is answered with the decoder's reason, naming it), and the
/// decoded image goes straight into the pipeline. Images decoded by the service can also be scored several at a time
/// (<see cref="ScoreBatch"/>, the dynamic batcher's route): <c>Transform</c> over them runs the serving graph's batched
/// outputs, one ONNX Runtime run per batch. Dispose it at shutdown: that releases the engines, the ONNX Runtime
/// sessions and the serving graph's temp file.
/// </summary>
public sealed class ImageClassifier : IDisposable
{
    private readonly PooledPredictionEngine<ImageInput, ScoreRow> _pool;
    private readonly ITransformer _model;
    private readonly MLContext _ml;

    /// <summary>Class labels in score order.</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>The model file served.</summary>
    public string ModelPath { get; }
    /// <summary>The model file's name without its folder: what the service tells clients.</summary>
    public string ModelName => Path.GetFileName(ModelPath);
    /// <summary>Lower-case hex SHA-256 of the model file, as <c>sha256sum</c> prints it: which file a replica serves.</summary>
    public string ModelSha256 { get; }
    /// <summary>The preset the model was trained with (its metadata), or null for a file that does not say.</summary>
    public string? Preset { get; }
    /// <summary>Most images <see cref="ScoreBatch"/> scores in one ONNX Runtime run.</summary>
    public int MaxBatchSize { get; }

    /// <summary>Loads the model and builds the pipeline.</summary>
    /// <param name="modelPath">A model.onnx exported by AlexNet.Training.</param>
    /// <param name="maxBatchSize">Most images per ONNX Runtime run in <see cref="ScoreBatch"/>.</param>
    /// <param name="intraOpThreads">Threads per ONNX Runtime run (<see cref="AlexNetOptions.IntraOpThreads"/>); 0 lets ONNX Runtime choose.</param>
    /// <exception cref="AlexNet.Onnx.ModelFileException">The file is missing, damaged or not an AlexNet model.</exception>
    public ImageClassifier(string modelPath, int maxBatchSize = 4, int intraOpThreads = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(intraOpThreads, 0);
        var ml = _ml = new MLContext();
        var estimator = ml.Transforms.ClassifyImagesWithAlexNet(modelPath, nameof(ImageInput.Image),
            new AlexNetOptions { BatchSize = maxBatchSize, IntraOpThreads = intraOpThreads });
        // PredictedLabel is a key over the classes, as after any ML.NET trainer; MapKeyToValue gives the class name.
        var pipeline = estimator.Append(ml.Transforms.Conversion.MapKeyToValue(nameof(ScoreRow.PredictedLabel)));
        _model = pipeline.Fit(ml.Data.LoadFromEnumerable(Array.Empty<ImageInput>(), ImageInput.Schema()));
        _pool = new PooledPredictionEngine<ImageInput, ScoreRow>(ml, _model, inputSchema: ImageInput.Schema());
        Labels = estimator.Labels;
        ModelPath = estimator.Model.Path;
        Preset = estimator.Model.Metadata.Preset;
        MaxBatchSize = maxBatchSize;
        using (var file = File.OpenRead(ModelPath)) ModelSha256 = Convert.ToHexStringLower(SHA256.HashData(file));
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
        return Answer(Score(image), top);
    }

    /// <summary>Scores one decoded image on an engine of the pool (one ONNX Runtime run per image).</summary>
    /// <param name="image">The image; the caller disposes it.</param>
    public ScoreRow Score(MLImage image) => _pool.Predict(new ImageInput { Image = image });

    /// <summary>
    /// Scores decoded images together: one ONNX Runtime run over the serving graph's batched outputs for up to
    /// <see cref="MaxBatchSize"/> of them. The scores equal <see cref="Score"/>'s to float rounding. Thread-safe:
    /// each call reads its own data view and cursor, and the one ONNX Runtime session they share may run several
    /// batches at once (the dynamic batcher's instances call it together).
    /// </summary>
    /// <param name="images">The images, in the order of the answers; the caller disposes them.</param>
    public IReadOnlyList<ScoreRow> ScoreBatch(IReadOnlyList<MLImage> images)
    {
        var rows = _ml.Data.LoadFromEnumerable(images.Select(i => new ImageInput { Image = i }).ToArray(), ImageInput.Schema());
        return _ml.Data.CreateEnumerable<ScoreRow>(_model.Transform(rows), reuseRowObject: false).ToArray();
    }

    /// <summary>The answer to a request from its scores.</summary>
    /// <param name="p">The image's scores.</param>
    /// <param name="top">How many classes to list, most probable first.</param>
    public Classification Answer(ScoreRow p, int top)
    {
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
