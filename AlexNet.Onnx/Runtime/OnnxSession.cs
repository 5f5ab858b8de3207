using Microsoft.ML.OnnxRuntime;

namespace AlexNet.Onnx.Runtime;

/// <summary>An ONNX Runtime session together with the provider it runs on and, after a fallback, why.</summary>
public sealed class OnnxSession : IDisposable
{
    /// <summary>The session. Its <c>Run</c> methods may be called from many threads at once.</summary>
    public InferenceSession Session { get; }
    /// <summary>The provider the session runs on.</summary>
    public ExecutionProvider Provider { get; }
    /// <summary>Why CUDA was asked for and not used, or null when no fallback happened.</summary>
    public string? FallbackReason { get; }
    /// <summary>The model file the session was created from.</summary>
    public string ModelPath { get; }

    internal OnnxSession(InferenceSession session, ExecutionProvider provider, string? fallbackReason, string modelPath)
    {
        Session = session;
        Provider = provider;
        FallbackReason = fallbackReason;
        ModelPath = modelPath;
    }

    /// <summary>Releases the native session.</summary>
    public void Dispose() => Session.Dispose();
}
