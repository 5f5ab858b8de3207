using AlexNet.Onnx.Diagnostics;

namespace AlexNet.Training.Diagnostics;

/// <summary>Everything <c>doctor</c> found, and whether what the user asked for is usable.</summary>
/// <param name="System">OS, C/C++ runtimes, processors, NVIDIA driver.</param>
/// <param name="TorchSharp">TorchSharp (training).</param>
/// <param name="OnnxRuntime">ONNX Runtime (serving).</param>
/// <param name="Requirements">One result per requirement.</param>
public sealed record DoctorReport(SystemReport System, TorchSharpReport TorchSharp, OnnxRuntimeReport OnnxRuntime, IReadOnlyList<RequirementResult> Requirements)
{
    /// <summary>True when every requirement is usable.</summary>
    public bool Ok => Requirements.All(r => r.Usable);

    /// <summary>Checks the machine and judges the requirements.</summary>
    /// <param name="requirements">What must work.</param>
    public static DoctorReport Run(IReadOnlyList<Requirement> requirements)
    {
        var system = SystemDiagnostics.Read();
        var torch = TorchSharpDiagnostics.Run();
        var ids = Enumerable.Range(0, Math.Max(1, system.Nvidia.Gpus.Count))
            .Concat(requirements.Where(r => r.Stack == Stack.OnnxRuntime && r.CudaDevice >= 0).Select(r => r.CudaDevice!.Value))
            .Distinct().Order().ToList();
        var onnx = OnnxRuntimeDiagnostics.Run(ids);
        return new DoctorReport(system, torch, onnx, requirements.Select(r => Judge(r, torch, onnx)).ToList());
    }

    private static RequirementResult Judge(Requirement r, TorchSharpReport t, OnnxRuntimeReport o)
    {
        string? reason = (r.Stack, r.CudaDevice) switch
        {
            (Stack.TorchSharp, null) => t.Loaded ? null : t.LoadProblem,
            (Stack.TorchSharp, _) when !t.Loaded => t.LoadProblem,
            (Stack.TorchSharp, _) when !t.CudaAvailable => t.CudaProblem,
            (Stack.TorchSharp, int n) when n >= t.CudaDeviceCount => $"there is no CUDA device {n} (TorchSharp sees {t.CudaDeviceCount})",
            (Stack.TorchSharp, _) => null,
            (_, null) => o.AvailableProviders.Contains("CPUExecutionProvider") ? null : "ONNX Runtime has no CPU provider",
            (Stack.OnnxRuntime, -1) => o.CudaUsable ? null : o.Devices.FirstOrDefault()?.Problem ?? "no CUDA device was tried",
            (_, int n) => o.Devices.FirstOrDefault(d => d.DeviceId == n) is { } d ? (d.Usable ? null : d.Problem) : $"CUDA device {n} was not tried",
        };
        return new RequirementResult(r.Stack, r.Device, reason is null, reason);
    }
}
