using Microsoft.ML.OnnxRuntime;

namespace AlexNet.Onnx.Diagnostics;

/// <summary>Checks ONNX Runtime: version, execution providers, the CUDA libraries, and a real CUDA session per device.</summary>
public static class OnnxRuntimeDiagnostics
{
    /// <summary>Runs the checks.</summary>
    /// <param name="deviceIds">CUDA device ids to try; null tries every GPU the NVIDIA driver lists, or device 0 when it lists none.</param>
    public static OnnxRuntimeReport Run(IEnumerable<int>? deviceIds = null)
    {
        var env = OrtEnv.Instance();
        var provider = CudaLibraries.FindProviderLibrary();
        var libraries = CudaLibraries.Check(provider);
        var ids = deviceIds?.Distinct().ToList() ?? DefaultDeviceIds();
        var devices = ids.Select(id => provider is null
            ? new CudaDeviceCheck(id, false, $"{CudaLibraries.ProviderLibrary} is not shipped with this app",
                "reference Microsoft.ML.OnnxRuntime.Gpu (not Microsoft.ML.OnnxRuntime) and publish for linux-x64; a published alexnet CLI leaves it out unless published with -p:OnnxRuntimeCuda=true", null)
            : CudaSessionProbe.Check(id, libraries)).ToList();
        var cores = SystemDiagnostics.Read().PhysicalCores ?? Environment.ProcessorCount;
        return new OnnxRuntimeReport(env.GetVersionString(), env.GetAvailableProviders(), provider, libraries, devices, cores);
    }

    private static List<int> DefaultDeviceIds()
    {
        var gpus = NvidiaDriver.Read().Gpus.Count;
        return Enumerable.Range(0, Math.Max(1, gpus)).ToList();
    }
}
