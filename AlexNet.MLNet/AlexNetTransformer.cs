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
/// </summary>
public sealed class AlexNetTransformer : ITransformer, IDisposable
{
    private readonly ITransformer _chain;

    internal AlexNetTransformer(ITransformer chain, ModelFile model, AlexNetOptions options)
    {
        _chain = chain;
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
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => _chain.GetRowToRowMapper(inputSchema);

    /// <inheritdoc/>
    public IDataView Transform(IDataView input) => _chain.Transform(input);

    /// <summary>Saves the wrapped chain; loading gives back that chain.</summary>
    /// <param name="ctx">ML.NET's save context.</param>
    void ICanSaveModel.Save(ModelSaveContext ctx) => _chain.Save(ctx);

    /// <summary>Releases the ONNX Runtime session.</summary>
    public void Dispose() => (_chain as IDisposable)?.Dispose();
}
