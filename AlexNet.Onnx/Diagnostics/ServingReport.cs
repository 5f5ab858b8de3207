namespace AlexNet.Onnx.Diagnostics;

/// <summary>Everything an app that serves a model needs to know about this machine: the system and ONNX Runtime.</summary>
/// <param name="System">OS, C/C++ runtimes, processors, NVIDIA driver.</param>
/// <param name="OnnxRuntime">ONNX Runtime's version, providers and CUDA checks.</param>
public sealed record ServingReport(SystemReport System, OnnxRuntimeReport OnnxRuntime)
{
    /// <summary>Checks this machine.</summary>
    /// <param name="deviceIds">CUDA device ids to try; null tries every GPU the driver lists (or device 0).</param>
    public static ServingReport Run(IEnumerable<int>? deviceIds = null) =>
        new(SystemDiagnostics.Read(), OnnxRuntimeDiagnostics.Run(deviceIds));
}
