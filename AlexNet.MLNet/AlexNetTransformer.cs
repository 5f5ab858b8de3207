using AlexNet.MLNet.Serving;
using AlexNet.Onnx;
using AlexNet.Onnx.Metadata;
using AlexNet.Onnx.Serving;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace AlexNet.MLNet;

/// <summary>
/// A fitted <see cref="AlexNetEstimator"/>: the composed chain of ML.NET transforms, with the model's labels, crop
/// mode and metadata at hand. ML.NET keeps its persistence types internal, so a third-party transformer cannot
/// write itself; this one saves the chain it wraps. <c>mlContext.Model.Load</c> therefore returns that chain
/// (a <see cref="TransformerChain{TLastTransformer}"/> of built-in transforms holding the serving graph's bytes),
/// which predicts exactly as this transformer does.
/// <para>
/// Every prediction engine created over this transformer shares its ONNX Runtime session, and ML.NET's
/// <c>PredictionEngine.Dispose</c> disposes the transformer it was created over (<c>PredictionEngineOptions.OwnsTransformer</c>
/// defaults to true). So the session is released only when the creator and every engine have let go: each mapper
/// handed out (what <c>CreatePredictionEngine</c> asks for) takes a lease, each <see cref="Dispose"/> returns one.
/// </para>
/// </summary>
public sealed class AlexNetTransformer : ITransformer, IDisposable
{
    private readonly ITransformer _chain;
    private readonly string? _graphFile;
    private readonly Lock _gate = new();
    private int _leases = 1; // the creator's
    private bool _released;

    internal AlexNetTransformer(ITransformer chain, ModelFile model, AlexNetOptions options, string? graphFile = null)
    {
        _chain = chain;
        _graphFile = graphFile;
        Model = model;
        Options = options;
    }

    /// <summary>The classifier file this transformer was built from.</summary>
    public ModelFile Model { get; }
    /// <summary>Labels, preprocessing, architecture and training summary from the model file.</summary>
    public ModelMetadata Metadata => Model.Metadata;
    /// <summary>Class labels in score order (also the slot names of the score column).</summary>
    public IReadOnlyList<string> Labels => Model.Labels;
    /// <summary>Which crops the network sees.</summary>
    public CropMode CropMode => Options.CropMode;
    /// <summary>The settings it was created with.</summary>
    public AlexNetOptions Options { get; }
    /// <summary>The chain of ML.NET transforms that does the work (and is what gets saved).</summary>
    public ITransformer Chain => _chain;

    /// <inheritdoc/>
    public bool IsRowToRowMapper => _chain.IsRowToRowMapper;

    /// <inheritdoc/>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => _chain.GetOutputSchema(inputSchema);

    /// <inheritdoc/>
    /// <remarks>Takes a lease on the ONNX Runtime session, returned by one <see cref="Dispose"/> call (a prediction engine makes it).</remarks>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
    {
        lock (_gate)
        {
            ThrowIfReleased();
            var mapper = _chain.GetRowToRowMapper(inputSchema);
            _leases++;
            return mapper;
        }
    }

    /// <inheritdoc/>
    /// <remarks>The returned view runs the session when it is read: keep the transformer undisposed until then.</remarks>
    public IDataView Transform(IDataView input)
    {
        ThrowIfReleased();
        return _chain.Transform(input);
    }

    /// <summary>Saves the wrapped chain; loading gives back that chain.</summary>
    /// <param name="ctx">ML.NET's save context.</param>
    void ICanSaveModel.Save(ModelSaveContext ctx)
    {
        ThrowIfReleased();
        _chain.Save(ctx);
    }

    /// <summary>
    /// Returns one lease: the creator's, or a prediction engine's (ML.NET's <c>PredictionEngine.Dispose</c> calls this).
    /// The ONNX Runtime session is released with the last lease, and the serving graph's temp file deleted (else it
    /// goes when the process exits), so disposing one engine never breaks another engine,
    /// a later one or <see cref="Transform"/>. Engines created with <c>OwnsTransformer = false</c> never return theirs,
    /// so then no Dispose call releases the session while they might still run it.
    /// </summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_released || --_leases > 0) return;
            _released = true;
        }
        (_chain as IDisposable)?.Dispose();
        if (_graphFile is not null) ServingGraphFile.Delete(_graphFile);
    }

    private void ThrowIfReleased()
    {
        if (Volatile.Read(ref _released))
            throw new ObjectDisposedException(nameof(AlexNetTransformer),
                "The transformer and every prediction engine created over it have been disposed, which released its ONNX Runtime session.");
    }
}
