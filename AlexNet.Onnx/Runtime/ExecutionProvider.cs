namespace AlexNet.Onnx.Runtime;

/// <summary>The ONNX Runtime execution provider a session ended up on.</summary>
public enum ExecutionProvider
{
    /// <summary>ONNX Runtime's CPU provider.</summary>
    Cpu,
    /// <summary>ONNX Runtime's CUDA provider on <see cref="OnnxSessionOptions.GpuDeviceId"/>.</summary>
    Cuda,
}
