using AlexNet.Onnx;
using AlexNet.Onnx.Runtime;
using AlexNet.Onnx.Serving;
using Microsoft.ML;
using OnnxOptions = Microsoft.ML.Transforms.Onnx.OnnxOptions;
using Onnx;

namespace AlexNet.MLNet.Serving;

/// <summary>
/// One estimator's serving graph and what runs it: the graph's temp file, ML.NET's <c>ApplyOnnxModel</c> step over it
/// (whose single <c>OnnxTransformer</c>, and ONNX Runtime session, every <c>Fit</c> of that step returns), and, from
/// the first batched read on, a second ONNX Runtime session over the same file for <see cref="BatchedScoring"/>.
/// Every transformer fitted from the estimator holds one lease on it; the last lease returned disposes both sessions
/// and deletes the file, and the estimator makes a new one for its next <c>Fit</c>.
/// </summary>
internal sealed class ServingSession
{
    private readonly Lock _gate = new();
    private readonly AlexNetOptions _options;
    private readonly IEstimator<ITransformer> _onnx;
    private ITransformer? _onnxTransformer;
    private OnnxSession? _batchSession;
    private int _leases;
    private bool _released;

    /// <summary>The classifier file.</summary>
    public ModelFile Model { get; }
    /// <summary>The serving graph's temp file.</summary>
    public string GraphFile { get; }

    /// <summary>Builds the serving graph of a parsed classifier, writes it and opens ML.NET's session over it.</summary>
    /// <exception cref="InvalidOperationException">The CUDA provider cannot be used and <see cref="AlexNetOptions.FallbackToCpu"/> is off.</exception>
    public ServingSession(TransformsCatalog t, ModelFile model, ModelProto source, AlexNetOptions o)
    {
        Model = model;
        _options = o;
        var graph = ServingGraph.ToBytes(model, source, new ServingGraphOptions
        {
            InputName = AlexNetColumns.Pixels,
            ScoreName = o.ScoreColumnName,
            PredictedLabelName = AlexNetColumns.PredictedLabelVector,
            FeaturesName = o.EmitFeatures ? o.FeaturesColumnName : null,
            ClassesName = o.LabelColumnName is null ? null : AlexNetColumns.Classes,
            CropMode = o.CropMode,
        });
        GraphFile = ServingGraphFile.Create(graph);
        try
        {
            // ApplyOnnxModel opens its ONNX Runtime session here, so a CUDA failure surfaces when the estimator is made.
            _onnx = t.ApplyOnnxModel(new OnnxOptions
            {
                ModelFile = GraphFile,
                OutputColumns = OutputColumns(o),
                InputColumns = [AlexNetColumns.Pixels],
                GpuDeviceId = o.GpuDeviceId,
                FallbackToCpu = o.FallbackToCpu,
                IntraOpNumThreads = o.IntraOpThreads == 0 ? null : o.IntraOpThreads,
            });
        }
        catch (Exception e) when (o.GpuDeviceId is int device && !o.FallbackToCpu && e is InvalidOperationException or Microsoft.ML.OnnxRuntime.OnnxRuntimeException)
        {
            ServingGraphFile.Delete(GraphFile);
            throw new InvalidOperationException(
                $"{model.Path}: the CUDA execution provider on GPU device {device} cannot run the model, and FallbackToCpu is off " +
                $"(set AlexNetOptions.FallbackToCpu to run on the CPU instead). ONNX Runtime said: {Innermost(e).Message}", e);
        }
        catch
        {
            ServingGraphFile.Delete(GraphFile);
            throw;
        }
    }

    /// <summary>The columns ML.NET's ONNX step adds, in this order.</summary>
    public static string[] OutputColumns(AlexNetOptions o) =>
        [o.ScoreColumnName, .. o.EmitFeatures ? [o.FeaturesColumnName] : Array.Empty<string>(), AlexNetColumns.PredictedLabelVector,
         .. o.LabelColumnName is null ? Array.Empty<string>() : [AlexNetColumns.Classes]];

    /// <summary>ML.NET's ONNX step, for schema propagation.</summary>
    public IEstimator<ITransformer> Onnx => _onnx;

    /// <summary>Takes a lease for a new transformer; false once the last lease was returned (make a new session then).</summary>
    public bool TryAcquire()
    {
        lock (_gate)
        {
            if (_released) return false;
            _leases++;
            return true;
        }
    }

    /// <summary>Fits ML.NET's ONNX step (it returns its one transformer every time).</summary>
    public ITransformer FitOnnx(IDataView prefixed)
    {
        var fitted = _onnx.Fit(prefixed);
        lock (_gate) _onnxTransformer ??= fitted;
        return fitted;
    }

    /// <summary>The session for batched runs, opened on first use (device and fallback as ML.NET's).</summary>
    /// <exception cref="ObjectDisposedException">Every lease has been returned.</exception>
    public OnnxSession BatchSession
    {
        get
        {
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_released, this);
                return _batchSession ??= new OnnxSessionFactory(new OnnxSessionOptions
                {
                    GpuDeviceId = _options.GpuDeviceId,
                    FallbackToCpu = _options.FallbackToCpu,
                    IntraOpThreads = _options.IntraOpThreads,
                }).Create(GraphFile);
            }
        }
    }

    /// <summary>Returns a lease; the last one disposes both sessions and deletes the graph's file.</summary>
    public void Release()
    {
        lock (_gate)
        {
            if (_released || --_leases > 0) return;
            _released = true;
        }
        (_onnxTransformer as IDisposable)?.Dispose();
        _batchSession?.Dispose();
        ServingGraphFile.Delete(GraphFile);
    }

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null) e = e.InnerException;
        return e;
    }
}
