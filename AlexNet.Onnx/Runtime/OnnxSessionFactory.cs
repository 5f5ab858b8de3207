using Microsoft.ML.OnnxRuntime;

namespace AlexNet.Onnx.Runtime;

/// <summary>
/// Creates ONNX Runtime sessions: on the CUDA execution provider when a GPU device is asked for, falling
/// back to the CPU with a logged reason when CUDA cannot be used (a missing CUDA library, no device).
/// </summary>
public sealed class OnnxSessionFactory
{
    /// <summary>The options every session is created with.</summary>
    public OnnxSessionOptions Options { get; }

    /// <summary>Creates a factory.</summary>
    /// <param name="options">Device, fallback and thread settings; null for CPU with ONNX Runtime's default threads.</param>
    public OnnxSessionFactory(OnnxSessionOptions? options = null)
    {
        Options = options ?? new OnnxSessionOptions();
        if (Options.IntraOpThreads < 0 || Options.InterOpThreads < 0)
            throw new ArgumentOutOfRangeException(nameof(options), "Thread counts cannot be negative (0 lets ONNX Runtime choose).");
    }

    /// <summary>Creates a session for a model file.</summary>
    /// <param name="modelPath">The .onnx file.</param>
    /// <exception cref="InvalidOperationException">CUDA was asked for, cannot be used, and <see cref="OnnxSessionOptions.FallbackToCpu"/> is false.</exception>
    /// <exception cref="ModelFileException">ONNX Runtime rejects the file on the CPU.</exception>
    public OnnxSession Create(string modelPath)
    {
        modelPath = Path.GetFullPath(modelPath);
        string? reason = null;
        if (Options.GpuDeviceId is int device)
        {
            SessionOptions? cuda = null;
            try
            {
                cuda = BaseOptions();
                cuda.AppendExecutionProvider_CUDA(device);
                var session = new InferenceSession(modelPath, cuda);
                Options.Log?.Invoke($"{modelPath}: running on the CUDA execution provider, device {device}.");
                return new OnnxSession(session, ExecutionProvider.Cuda, null, modelPath);
            }
            catch (Exception e) when (e is OnnxRuntimeException or DllNotFoundException or EntryPointNotFoundException)
            {
                var message = e.Message.Trim().TrimEnd('.');
                reason = $"CUDA execution provider on device {device} is not usable: {message}.";
                if (CudaProviderProbe.Explain() is { } cause) reason += $" Cause: {cause}.";
                if (!Options.FallbackToCpu) throw new InvalidOperationException($"{modelPath}: {reason}", e);
                Options.Log?.Invoke($"{modelPath}: falling back to CPU. {reason}");
            }
            finally { cuda?.Dispose(); }
        }

        using var cpu = BaseOptions();
        try
        {
            return new OnnxSession(new InferenceSession(modelPath, cpu), ExecutionProvider.Cpu, reason, modelPath);
        }
        catch (OnnxRuntimeException e)
        {
            throw new ModelFileException(modelPath, $"ONNX Runtime cannot load the model: {e.Message}", e);
        }
    }

    private SessionOptions BaseOptions()
    {
        var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = Options.InterOpThreads > 1 ? ExecutionMode.ORT_PARALLEL : ExecutionMode.ORT_SEQUENTIAL,
        };
        if (Options.IntraOpThreads > 0) options.IntraOpNumThreads = Options.IntraOpThreads;
        if (Options.InterOpThreads > 0) options.InterOpNumThreads = Options.InterOpThreads;
        return options;
    }
}
