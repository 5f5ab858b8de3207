using System.Text.Json;
using AlexNet.Cli;

namespace AlexNet.Doctor.Tests;

/// <summary>Runs <c>doctor</c> in this process and keeps its exit code, text and (with --json) parsed report.</summary>
internal sealed record DoctorRun(int ExitCode, string Output)
{
    public static DoctorRun Of(params string[] args)
    {
        using var writer = new StringWriter();
        int code = DoctorCommand.Run(args, writer);
        return new DoctorRun(code, writer.ToString());
    }

    public JsonElement Json => JsonDocument.Parse(Output).RootElement;

    /// <summary>Whether ONNX Runtime ran a CUDA session here; the failure tests need a machine where it cannot.</summary>
    public static bool CudaWorks()
    {
        var report = Of("--json").Json;
        return report.GetProperty("onnxRuntime").GetProperty("devices").EnumerateArray().Any(d => d.GetProperty("usable").GetBoolean())
            || report.GetProperty("torchSharp").GetProperty("cudaAvailable").GetBoolean();
    }
}
