using System.Collections.Concurrent;
using Microsoft.ML;

namespace AlexNet.MLNet.Serving;

/// <summary>
/// Thread-safe predictions over one fitted or loaded model. A <see cref="PredictionEngine{TSrc, TDst}"/> keeps
/// per-call buffers and must not be shared between threads, so this hands each caller an engine of its own from a
/// pool, like <c>PredictionEnginePool</c> in Microsoft.Extensions.ML (a package the registry here does not serve).
/// The model, and with it the ONNX Runtime session, is shared by every engine; the engines do not own it, so a caller
/// that disposes an engine taken with <see cref="GetPredictionEngine"/> cannot release the session under the others.
/// </summary>
/// <typeparam name="TData">Input row type.</typeparam>
/// <typeparam name="TPrediction">Output row type.</typeparam>
public sealed class PooledPredictionEngine<TData, TPrediction>
    where TData : class
    where TPrediction : class, new()
{
    private readonly MLContext _mlContext;
    private readonly ITransformer _model;
    private readonly ConcurrentBag<PredictionEngine<TData, TPrediction>> _idle = [];

    /// <summary>Creates a pool over a model; engines are created on first demand.</summary>
    /// <param name="mlContext">The context the model belongs to.</param>
    /// <param name="model">A fitted or loaded model.</param>
    public PooledPredictionEngine(MLContext mlContext, ITransformer model)
    {
        _mlContext = mlContext ?? throw new ArgumentNullException(nameof(mlContext));
        _model = model ?? throw new ArgumentNullException(nameof(model));
    }

    /// <summary>Engines created so far (busy and idle).</summary>
    public int Created => _created;
    private int _created;

    /// <summary>Predicts one example on an engine taken from the pool and returned after.</summary>
    /// <param name="example">The input row.</param>
    public TPrediction Predict(TData example)
    {
        var engine = GetPredictionEngine();
        try { return engine.Predict(example); }
        finally { ReturnPredictionEngine(engine); }
    }

    /// <summary>Takes an engine for this thread's exclusive use; give it back with <see cref="ReturnPredictionEngine"/>.</summary>
    public PredictionEngine<TData, TPrediction> GetPredictionEngine()
    {
        if (_idle.TryTake(out var engine)) return engine;
        Interlocked.Increment(ref _created);
        // ML.NET's default (OwnsTransformer = true) would make that engine's Dispose dispose the shared model.
        return _mlContext.Model.CreatePredictionEngine<TData, TPrediction>(_model, new PredictionEngineOptions { OwnsTransformer = false });
    }

    /// <summary>Returns an engine taken with <see cref="GetPredictionEngine"/>.</summary>
    /// <param name="engine">The engine.</param>
    public void ReturnPredictionEngine(PredictionEngine<TData, TPrediction> engine)
    {
        ArgumentNullException.ThrowIfNull(engine);
        _idle.Add(engine);
    }
}
