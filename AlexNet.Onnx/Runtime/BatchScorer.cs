using AlexNet.Onnx.Imaging;

namespace AlexNet.Onnx.Runtime;

/// <summary>
/// Scores batches of preprocessed crops with ONNX Runtime for bulk work. Each batch size gets pooled,
/// pre-bound buffers, so scoring a fixed batch size into caller-owned spans allocates nothing per call;
/// any number of threads may score at once (each takes its own buffers; the session is shared).
/// </summary>
public sealed class BatchScorer : IDisposable
{
    private readonly OnnxSession _session;
    private readonly bool _ownsSession;
    private readonly Dictionary<int, Stack<ScoringBuffers>> _pool = [];
    private readonly Lock _poolLock = new();
    private bool _disposed;

    /// <summary>The model being scored.</summary>
    public ModelFile Model { get; }
    /// <summary>The provider the session runs on.</summary>
    public ExecutionProvider Provider => _session.Provider;
    /// <summary>Why CUDA was asked for and not used, or null.</summary>
    public string? FallbackReason => _session.FallbackReason;
    /// <summary>Floats in one crop (channels × size × size).</summary>
    public int CropLength => Model.CropLength;
    /// <summary>Classes per crop.</summary>
    public int NumClasses => Model.NumClasses;
    /// <summary>Length of a feature vector, or 0 when the model has no feature output.</summary>
    public int FeatureSize => Model.FeatureSize;

    /// <summary>Creates a scorer with its own session.</summary>
    /// <param name="model">An opened model file.</param>
    /// <param name="options">Device, fallback and thread settings; null for CPU defaults.</param>
    public BatchScorer(ModelFile model, OnnxSessionOptions? options = null)
        : this(model, new OnnxSessionFactory(options).Create(model.Path), ownsSession: true)
    {
    }

    /// <summary>Creates a scorer over an existing session, which the caller keeps and disposes.</summary>
    /// <param name="model">An opened model file.</param>
    /// <param name="session">A session created from the same file.</param>
    public BatchScorer(ModelFile model, OnnxSession session) : this(model, session, ownsSession: false)
    {
    }

    private BatchScorer(ModelFile model, OnnxSession session, bool ownsSession)
    {
        Model = model;
        _session = session;
        _ownsSession = ownsSession;
    }

    /// <summary>Scores crops into caller-owned spans; with a fixed batch size this allocates no managed memory after the first call.</summary>
    /// <param name="crops">N preprocessed crops, N × <see cref="CropLength"/> floats, each channel-major [C, S, S].</param>
    /// <param name="probabilities">Receives N × <see cref="NumClasses"/> softmax outputs.</param>
    /// <param name="logits">Receives N × <see cref="NumClasses"/> logits, or empty to skip.</param>
    /// <param name="features">Receives N × <see cref="FeatureSize"/> fc7 features, or empty to skip.</param>
    /// <returns>N, the number of crops scored.</returns>
    /// <exception cref="ArgumentException">A length does not fit a whole number of crops or the outputs.</exception>
    public int Score(ReadOnlySpan<float> crops, Span<float> probabilities, Span<float> logits = default, Span<float> features = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (crops.Length == 0 || crops.Length % CropLength != 0)
            throw new ArgumentException($"{crops.Length} floats are not a whole number of {Model.InputChannels}×{Model.InputSize}×{Model.InputSize} crops ({CropLength} floats each).", nameof(crops));
        int n = crops.Length / CropLength;
        CheckOutput(probabilities.Length, n * NumClasses, nameof(probabilities), required: true);
        CheckOutput(logits.Length, n * NumClasses, nameof(logits), required: false);
        if (!features.IsEmpty && FeatureSize == 0)
            throw new ArgumentException($"{Model.Path} has no '{Export.AlexNetOnnxNames.Features}' output.", nameof(features));
        CheckOutput(features.Length, n * FeatureSize, nameof(features), required: false);

        var buffers = Rent(n);
        try
        {
            crops.CopyTo(buffers.Input);
            _session.Session.RunWithBinding(buffers.RunOptions, buffers.Binding);
            if (Model.ProbabilitiesName is null)
                for (int i = 0; i < n; i++)
                    SoftMax(buffers.Logits.AsSpan(i * NumClasses, NumClasses), buffers.Probabilities.AsSpan(i * NumClasses, NumClasses));
            buffers.Probabilities.AsSpan().CopyTo(probabilities);
            if (!logits.IsEmpty) buffers.Logits.AsSpan().CopyTo(logits);
            if (!features.IsEmpty) buffers.Features.AsSpan().CopyTo(features);
        }
        finally { Return(buffers); }
        return n;
    }

    /// <summary>Scores crops into new arrays.</summary>
    /// <param name="crops">N preprocessed crops, N × <see cref="CropLength"/> floats.</param>
    public BatchScores Score(ReadOnlySpan<float> crops)
    {
        int n = crops.Length / CropLength;
        var probabilities = new float[n * NumClasses];
        var logits = new float[n * NumClasses];
        var features = FeatureSize > 0 ? new float[n * FeatureSize] : null;
        Score(crops, probabilities, logits, features);
        return new BatchScores(n, NumClasses, probabilities, logits, features);
    }

    /// <summary>
    /// Decodes image files, resizes them as ML.NET's IsoCrop does (<see cref="PaperPreparation"/>), and scores each
    /// one's centre crop (<see cref="ImageCrops.Centre"/>) in one batch. A convenience: bulk work should prepare
    /// crops itself and call <see cref="Score(ReadOnlySpan{float}, Span{float}, Span{float}, Span{float})"/>.
    /// </summary>
    /// <param name="imagePaths">Image files (JPEG, PNG, …).</param>
    /// <param name="options">Decoding limits; the defaults when null.</param>
    /// <exception cref="ImageDecodeException">An image cannot be decoded; the message names it.</exception>
    public BatchScores ScoreImages(IReadOnlyList<string> imagePaths, ImageDecodeOptions? options = null)
    {
        var metadata = Model.Metadata;
        int r = metadata.ResizeSize, c = metadata.InputChannels;
        var prepared = new float[c * r * r];
        var crops = new float[imagePaths.Count * CropLength];
        for (int i = 0; i < imagePaths.Count; i++)
        {
            PaperPreparation.Load(imagePaths[i], r, c, prepared, options);
            ImageCrops.Centre(metadata, prepared, crops.AsSpan(i * CropLength, CropLength));
        }
        return Score(crops);
    }

    // Foreign models often end at the logits; subtracting the maximum keeps exp from overflowing.
    private static void SoftMax(ReadOnlySpan<float> logits, Span<float> probabilities)
    {
        float max = float.NegativeInfinity;
        foreach (var v in logits) max = Math.Max(max, v);
        double sum = 0;
        for (int k = 0; k < logits.Length; k++) sum += probabilities[k] = MathF.Exp(logits[k] - max);
        for (int k = 0; k < logits.Length; k++) probabilities[k] = (float)(probabilities[k] / sum);
    }

    private static void CheckOutput(int length, int expected, string name, bool required)
    {
        if ((required || length != 0) && length != expected)
            throw new ArgumentException($"'{name}' holds {length} floats; this batch needs {expected}.", name);
    }

    private ScoringBuffers Rent(int batchSize)
    {
        lock (_poolLock)
        {
            if (_pool.TryGetValue(batchSize, out var stack) && stack.TryPop(out var buffers)) return buffers;
        }
        return new ScoringBuffers(_session.Session, Model, batchSize);
    }

    private void Return(ScoringBuffers buffers)
    {
        lock (_poolLock)
        {
            if (!_disposed)
            {
                if (!_pool.TryGetValue(buffers.BatchSize, out var stack)) _pool[buffers.BatchSize] = stack = new Stack<ScoringBuffers>();
                stack.Push(buffers);
                return;
            }
        }
        buffers.Dispose();
    }

    /// <summary>Releases the pooled buffers and, when the scorer created it, the session.</summary>
    public void Dispose()
    {
        lock (_poolLock)
        {
            if (_disposed) return;
            _disposed = true;
            foreach (var stack in _pool.Values)
                foreach (var buffers in stack) buffers.Dispose();
            _pool.Clear();
        }
        if (_ownsSession) _session.Dispose();
    }
}
