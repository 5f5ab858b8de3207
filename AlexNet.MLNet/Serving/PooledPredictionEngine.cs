using Microsoft.Extensions.ObjectPool;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace AlexNet.MLNet.Serving;

/// <summary>
/// Thread-safe predictions over one fitted or loaded model. A <see cref="PredictionEngine{TSrc, TDst}"/> keeps
/// per-call buffers and must not be shared between threads, so this hands each caller an engine of its own from a
/// bounded pool (Microsoft.Extensions.ObjectPool, which <c>PredictionEnginePool</c> in Microsoft.Extensions.ML builds
/// on; that package is not served by the registry here). Engines are created on demand; at most
/// <see cref="Capacity"/> idle ones are kept, and one returned while that many are idle is disposed, as are the idle
/// ones when the pool is disposed. The model, and with it the ONNX Runtime session, is shared by every engine and
/// never disposed by the pool or by an engine, so a caller that disposes an engine taken with
/// <see cref="GetPredictionEngine"/> cannot release the session under the others.
/// </summary>
/// <typeparam name="TData">Input row type.</typeparam>
/// <typeparam name="TPrediction">Output row type.</typeparam>
public sealed class PooledPredictionEngine<TData, TPrediction> : IDisposable
    where TData : class
    where TPrediction : class, new()
{
    private readonly ObjectPool<PredictionEngine<TData, TPrediction>> _pool;
    private int _created, _disposed;

    /// <summary>Creates a pool over a model; engines are created on first demand.</summary>
    /// <param name="mlContext">The context the model belongs to.</param>
    /// <param name="model">A fitted or loaded model.</param>
    /// <param name="capacity">Idle engines kept; ObjectPool's default (twice the processor count) when null.</param>
    /// <param name="inputSchema">The input row's schema when its attributes do not tell it all (<c>ImageInput.Schema()</c> for
    /// images of any size), as <c>PredictionEngineOptions.InputSchemaDefinition</c>.</param>
    public PooledPredictionEngine(MLContext mlContext, ITransformer model, int? capacity = null, SchemaDefinition? inputSchema = null)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentNullException.ThrowIfNull(model);
        var provider = new DefaultObjectPoolProvider();
        if (capacity is int c)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(c, 1, nameof(capacity));
            provider.MaximumRetained = c;
        }
        Capacity = provider.MaximumRetained;
        // For a disposable T the provider makes a pool that disposes what it cannot keep, and what it keeps when disposed.
        _pool = provider.Create(new EnginePolicy(this, mlContext, model, inputSchema));
    }

    /// <summary>The most idle engines kept.</summary>
    public int Capacity { get; }
    /// <summary>Engines created so far.</summary>
    public int Created => Volatile.Read(ref _created);
    /// <summary>Engines disposed so far: returned while the pool was full, disposed by a caller, or idle when the pool was disposed.</summary>
    public int Disposed => Volatile.Read(ref _disposed);

    /// <summary>Predicts one example on an engine taken from the pool and returned after.</summary>
    /// <param name="example">The input row.</param>
    public TPrediction Predict(TData example)
    {
        var engine = GetPredictionEngine();
        try { return engine.Predict(example); }
        finally { ReturnPredictionEngine(engine); }
    }

    /// <summary>Takes an engine for this thread's exclusive use; give it back with <see cref="ReturnPredictionEngine"/>.</summary>
    /// <exception cref="ObjectDisposedException">The pool has been disposed.</exception>
    public PredictionEngine<TData, TPrediction> GetPredictionEngine() => _pool.Get();

    /// <summary>Returns an engine taken with <see cref="GetPredictionEngine"/>; it is disposed when the pool is full.</summary>
    /// <param name="engine">The engine.</param>
    public void ReturnPredictionEngine(PredictionEngine<TData, TPrediction> engine)
    {
        ArgumentNullException.ThrowIfNull(engine);
        _pool.Return(engine);
    }

    /// <summary>Disposes the idle engines; engines still taken are disposed when they come back. The model is not disposed.</summary>
    public void Dispose() => (_pool as IDisposable)?.Dispose();

    private sealed class EnginePolicy(PooledPredictionEngine<TData, TPrediction> owner, MLContext ml, ITransformer model, SchemaDefinition? inputSchema)
        : PooledObjectPolicy<PredictionEngine<TData, TPrediction>>
    {
        public override PredictionEngine<TData, TPrediction> Create()
        {
            Interlocked.Increment(ref owner._created);
            // The engine owns only a view of the model, so its Dispose is counted and the model itself stays up.
            var view = new SharedModel(model, () => Interlocked.Increment(ref owner._disposed));
            return ml.Model.CreatePredictionEngine<TData, TPrediction>(view, new PredictionEngineOptions { InputSchemaDefinition = inputSchema });
        }

        public override bool Return(PredictionEngine<TData, TPrediction> engine) => true;
    }

    /// <summary>The model as one engine sees it: every call forwarded, Dispose only reported.</summary>
    private sealed class SharedModel(ITransformer model, Action disposed) : ITransformer, IDisposable
    {
        private int _disposed;
        public bool IsRowToRowMapper => model.IsRowToRowMapper;
        public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => model.GetOutputSchema(inputSchema);
        public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => model.GetRowToRowMapper(inputSchema);
        public IDataView Transform(IDataView input) => model.Transform(input);
        void ICanSaveModel.Save(ModelSaveContext ctx) => model.Save(ctx);
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) disposed();
        }
    }
}
