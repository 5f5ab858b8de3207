using System.Diagnostics;
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

    /// <summary>Runs <c>alexnet doctor</c> in a child process of alexnet.dll, so Program.cs's start-up steps run first,
    /// with the given environment variables added; asserts it exits 0 and returns its standard output and error.</summary>
    public static (string Output, string Error) InCliProcess(params (string Name, string Value)[] environment)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "alexnet.dll"), "doctor" }) start.ArgumentList.Add(a);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        string shown = string.Join(" ", environment.Select(e => $"{e.Name}={e.Value}"));
        Assert.AreEqual(0, process.ExitCode, $"alexnet doctor with {shown}: {output}{error.Result}");
        return (output, error.Result);
    }

    /// <summary>Whether ONNX Runtime ran a CUDA session here; the failure tests need a machine where it cannot.</summary>
    public static bool CudaWorks()
    {
        var report = Of("--json").Json;
        return report.GetProperty("onnxRuntime").GetProperty("devices").EnumerateArray().Any(d => d.GetProperty("usable").GetBoolean())
            || report.GetProperty("torchSharp").GetProperty("cudaAvailable").GetBoolean();
    }
}
