using AlexNet.Onnx.Imaging;
using AlexNet.MLNet.Serving;
using AlexNet.Onnx;
using AlexNet.Onnx.Metadata;
using AlexNet.Onnx.Runtime;
using AlexNet.Onnx.Serving;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace AlexNet.MLNet;

/// <summary>
/// A fitted <see cref="AlexNetEstimator"/>: the composed chain of ML.NET transforms (preparation → the serving graph →
/// labels), with the model's labels, crop mode and metadata at hand. ML.NET keeps its persistence types internal, so a
/// third-party transformer cannot write itself; this one saves the chain it wraps. <c>mlContext.Model.Load</c>
/// therefore returns that chain (a <see cref="TransformerChain{TLastTransformer}"/> of built-in transforms holding the
/// serving graph's bytes), which predicts as this transformer does.
/// <para>
/// <see cref="Transform"/> scores <see cref="AlexNetOptions.BatchSize"/> images per ONNX Runtime run (the chain's ONNX
/// step runs one); prediction engines, which score one row per call, go through the chain.
/// </para>
/// <para>
/// Every prediction engine created over this transformer shares its ONNX Runtime session, and ML.NET's
/// <c>PredictionEngine.Dispose</c> disposes the transformer it was created over (<c>PredictionEngineOptions.OwnsTransformer</c>
/// defaults to true). So the session is released only when the creator and every engine have let go: each mapper
/// handed out (what <c>CreatePredictionEngine</c> asks for) takes a lease, each <see cref="Dispose"/> returns one. The
/// session itself is shared with every other transformer fitted from the same estimator, and goes with the last of them.
/// </para>
/// </summary>
public sealed class AlexNetTransformer : ITransformer, IDisposable
{
    private readonly ITransformer _prepare, _onnx, _label;
    private readonly TransformerChain<ITransformer> _chain;
    private readonly ServingSession _serving;
    private readonly Lock _gate = new();
    private int _leases = 1; // the creator's
    private bool _released;

    /// <param name="prepare">Image check, load, resize and pixels (and the label column as text).</param>
    /// <param name="onnx">ML.NET's ONNX step over the serving graph.</param>
    /// <param name="label">Predicted label (and label column) to keys, intermediate columns dropped.</param>
    /// <param name="serving">The session the estimator shares; this transformer holds one lease on it.</param>
    /// <param name="options">The estimator's settings.</param>
    internal AlexNetTransformer(ITransformer prepare, ITransformer onnx, ITransformer label, ServingSession serving, AlexNetOptions options)
    {
        _prepare = prepare;
        _onnx = onnx;
        _label = label;
        _chain = new TransformerChain<ITransformer>(prepare, onnx, label);
        _serving = serving;
        Options = options;
    }

    /// <summary>The classifier file this transformer was built from.</summary>
    public ModelFile Model => _serving.Model;
    /// <summary>Labels, preprocessing, architecture and training summary from the model file.</summary>
    public ModelMetadata Metadata => Model.Metadata;
    /// <summary>Class labels in score order (also the slot names of the score column and the key values of the predicted label).</summary>
    public IReadOnlyList<string> Labels => Model.Labels;
    /// <summary>Which crops the network sees.</summary>
    public CropMode CropMode => Options.CropMode;
    /// <summary>The settings it was created with.</summary>
    public AlexNetOptions Options { get; }
    /// <summary>The chain of ML.NET transforms that does the work row by row (and is what gets saved).</summary>
    public ITransformer Chain => _chain;
    /// <summary>
    /// The ONNX Runtime execution provider <see cref="Transform"/>'s batched runs use: CUDA on
    /// <see cref="AlexNetOptions.GpuDeviceId"/>, or the CPU when no GPU was asked for or, with
    /// <see cref="AlexNetOptions.FallbackToCpu"/>, CUDA cannot be used here. It says whether a GPU request fell back,
    /// which the scores alone cannot (the GPU tests read it). Reading it opens that session if no batched read has yet.
    /// </summary>
    /// <exception cref="ObjectDisposedException">Every lease has been returned.</exception>
    public ExecutionProvider Provider
    {
        get
        {
            ThrowIfReleased();
            return _serving.BatchSession.Provider;
        }
    }

    /// <inheritdoc/>
    public bool IsRowToRowMapper => ((ITransformer)_chain).IsRowToRowMapper;

    /// <inheritdoc/>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => _chain.GetOutputSchema(inputSchema);

    /// <inheritdoc/>
    /// <remarks>Takes a lease on the ONNX Runtime session, returned by one <see cref="Dispose"/> call (a prediction engine makes it).</remarks>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
    {
        lock (_gate)
        {
            ThrowIfReleased();
            var mapper = ((ITransformer)_chain).GetRowToRowMapper(inputSchema);
            _leases++;
            return mapper;
        }
    }

    /// <summary>
    /// Scores a data view: the same columns as the chain gives, with <see cref="AlexNetOptions.BatchSize"/> images per
    /// ONNX Runtime run (scores equal the row-by-row ones to float rounding, see docs/MLNET.md). Unshuffled reads are
    /// batched; a shuffled read goes row by row.
    /// </summary>
    /// <param name="input">Rows with the image (or image path) column, and the label column when one was set.</param>
    /// <remarks>The returned view runs the session when it is read: keep the transformer undisposed until then.</remarks>
    public IDataView Transform(IDataView input)
    {
        ThrowIfReleased();
        if (Options.BatchSize == 1) return _chain.Transform(input);
        return _label.Transform(new BatchedScoring(_prepare.Transform(input), _onnx, _serving, Options));
    }

    /// <summary>Saves the wrapped chain; loading gives back that chain.</summary>
    /// <param name="ctx">ML.NET's save context.</param>
    void ICanSaveModel.Save(ModelSaveContext ctx)
    {
        ThrowIfReleased();
        ((ICanSaveModel)_chain).Save(ctx);
    }

    /// <summary>
    /// Returns one lease: the creator's, or a prediction engine's (ML.NET's <c>PredictionEngine.Dispose</c> calls this).
    /// With the last lease this transformer lets go of the estimator's ONNX Runtime session, which is released (and the
    /// serving graph's temp file deleted; else it goes when the process exits) once no transformer fitted from that
    /// estimator holds it. So disposing one engine never breaks another engine, a later one, <see cref="Transform"/>
    /// or another transformer of the same estimator. Engines created with <c>OwnsTransformer = false</c> never return
    /// theirs, so then no Dispose call releases the session while they might still run it.
    /// </summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_released || --_leases > 0) return;
            _released = true;
        }
        _serving.Release();
    }

    private void ThrowIfReleased()
    {
        if (Volatile.Read(ref _released))
            throw new ObjectDisposedException(nameof(AlexNetTransformer),
                "The transformer and every prediction engine created over it have been disposed, which released its ONNX Runtime session.");
    }
}
