namespace AlexNet.Onnx.Runtime;

/// <summary>How to create an ONNX Runtime session: device, fallback and threads.</summary>
public sealed record OnnxSessionOptions
{
    /// <summary>CUDA device to run on, or null for the CPU.</summary>
    public int? GpuDeviceId { get; init; }
    /// <summary>When the CUDA provider cannot be used, run on the CPU instead of failing (the reason goes to <see cref="Log"/>).</summary>
    public bool FallbackToCpu { get; init; } = true;
    /// <summary>Threads one operator may use; 0 lets ONNX Runtime choose (one per physical core).</summary>
    public int IntraOpThreads { get; init; }
    /// <summary>Threads that run independent operators in parallel; 0 lets ONNX Runtime choose.</summary>
    public int InterOpThreads { get; init; }
    /// <summary>Receives one line per notable event, such as the reason for a CPU fallback; null discards them.</summary>
    public Action<string>? Log { get; init; }
}
