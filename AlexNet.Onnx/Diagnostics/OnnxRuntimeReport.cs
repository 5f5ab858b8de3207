namespace AlexNet.Onnx.Diagnostics;

/// <summary>What ONNX Runtime offers here and whether its CUDA provider works on each device.</summary>
/// <param name="Version">ONNX Runtime's version, e.g. 1.31.0.</param>
/// <param name="AvailableProviders">The execution providers this ONNX Runtime build contains (present in the build, not necessarily loadable).</param>
/// <param name="CudaProviderLibrary">Path of libonnxruntime_providers_cuda.so, or null when the app ships without it.</param>
/// <param name="CudaLibraries">The CUDA libraries that provider needs, found or not.</param>
/// <param name="Devices">One check per CUDA device id tried.</param>
/// <param name="DefaultIntraOpThreads">Threads one operator uses by default (ONNX Runtime takes one per physical core).</param>
public sealed record OnnxRuntimeReport(
    string Version,
    IReadOnlyList<string> AvailableProviders,
    string? CudaProviderLibrary,
    IReadOnlyList<CudaLibrary> CudaLibraries,
    IReadOnlyList<CudaDeviceCheck> Devices,
    int DefaultIntraOpThreads)
{
    /// <summary>True when at least one CUDA device ran the test model.</summary>
    public bool CudaUsable => Devices.Any(d => d.Usable);
}
