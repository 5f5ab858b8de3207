using System.Text.RegularExpressions;
using AlexNet.Onnx.Export;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnx;

namespace AlexNet.Onnx.Diagnostics;

/// <summary>
/// Tries ONNX Runtime's CUDA execution provider on one device for real: creates a session for a generated
/// one-MatMul model with no CPU fallback, runs it, checks the answer, and turns a failure into plain words.
/// </summary>
public static partial class CudaSessionProbe
{
    private static readonly Lazy<byte[]> Model = new(BuildModel);

    /// <summary>Checks one device.</summary>
    /// <param name="deviceId">The CUDA device id.</param>
    /// <param name="libraries">The CUDA library check used to explain a provider that cannot load; null runs <see cref="CudaLibraries.Check"/>.</param>
    public static CudaDeviceCheck Check(int deviceId, IReadOnlyList<CudaLibrary>? libraries = null)
    {
        // ONNX Runtime logs a failed provider load as an error on stderr; the report says it in plain words instead.
        var env = OrtEnv.Instance();
        var level = env.EnvLogLevel;
        env.EnvLogLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL;
        try
        {
            using var options = new SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL };
            options.AppendExecutionProvider_CUDA(deviceId);
            options.AddSessionConfigEntry("session.disable_cpu_ep_fallback", "1");
            using var session = new InferenceSession(Model.Value, options);
            var input = new DenseTensor<float>(new float[] { 1, 2, 3, 4 }, [1, 4]);
            using var results = session.Run([NamedOnnxValue.CreateFromTensor("x", input)]);
            var y = results.First().AsEnumerable<float>().ToArray();
            // x · [[1],[1],[1],[1]] = 10.
            return y is [10f]
                ? new CudaDeviceCheck(deviceId, true, null, null, null)
                : new CudaDeviceCheck(deviceId, false, $"the CUDA session on device {deviceId} ran but computed {string.Join(", ", y)} instead of 10", "check the driver and GPU health (nvidia-smi)", null);
        }
        catch (Exception e) when (e is OnnxRuntimeException or DllNotFoundException or EntryPointNotFoundException)
        {
            return Explain(deviceId, e.Message.Trim(), libraries ?? CudaLibraries.Check());
        }
        finally { env.EnvLogLevel = level; }
    }

    /// <summary>Turns ONNX Runtime's message about a failed CUDA session into a problem and a remedy.</summary>
    /// <param name="deviceId">The device tried.</param>
    /// <param name="message">ONNX Runtime's message.</param>
    /// <param name="libraries">The CUDA library check.</param>
    public static CudaDeviceCheck Explain(int deviceId, string message, IReadOnlyList<CudaLibrary> libraries)
    {
        var missing = libraries.Where(l => !l.Found).ToList();
        var driverMissing = missing.Any(l => l.Name == "libcuda.so.1");
        string problem, remedy;
        if (message.Contains(CudaLibraries.ProviderLibrary, StringComparison.Ordinal) || message.Contains("Failed to load", StringComparison.Ordinal))
        {
            var linked = missing.Where(l => !l.Name.StartsWith("libcudnn", StringComparison.Ordinal)).ToList();
            problem = linked.Count > 0
                ? $"ONNX Runtime's CUDA provider cannot load: {string.Join(", ", linked.Select(l => l.Name))} {(linked.Count == 1 ? "is" : "are")} missing"
                : $"ONNX Runtime's CUDA provider cannot load ({CudaLibraries.ProviderLibrary}): {LoaderReason(message)}";
            remedy = CudaLibraries.Remedy(missing);
        }
        else if (message.Contains("invalid device ordinal", StringComparison.OrdinalIgnoreCase))
        {
            problem = $"there is no CUDA device {deviceId}";
            remedy = "use a smaller device id (nvidia-smi lists them; CUDA_VISIBLE_DEVICES hides some)";
        }
        else if (message.Contains("no CUDA-capable device", StringComparison.OrdinalIgnoreCase) || driverMissing)
        {
            problem = "CUDA sees no GPU";
            remedy = "install the NVIDIA driver and check nvidia-smi; in a container run with the NVIDIA Container Toolkit and --gpus all";
        }
        else if (message.Contains("driver version is insufficient", StringComparison.OrdinalIgnoreCase))
        {
            problem = "the NVIDIA driver is too old for the CUDA 13 runtime";
            remedy = "update the NVIDIA driver to 580 or newer";
        }
        else if (message.Contains("cudnn", StringComparison.OrdinalIgnoreCase))
        {
            problem = "cuDNN could not be used";
            remedy = CudaLibraries.ProvidedBy("libcudnn.so.9");
        }
        else
        {
            problem = $"the CUDA session on device {deviceId} failed";
            remedy = missing.Count > 0 ? CudaLibraries.Remedy(missing) : "see ONNX Runtime's message";
        }
        return new CudaDeviceCheck(deviceId, false, problem, remedy, message);
    }

    private static string LoaderReason(string message) =>
        LoaderMessage().Match(message) is { Success: true } m ? m.Value : message;

    // Identity would be folded away; a MatMul with a constant weight has a CUDA kernel and must run there.
    private static byte[] BuildModel()
    {
        var g = new OnnxGraphBuilder("cuda_probe");
        var w = g.Initializer("w", [4, 1], [1f, 1f, 1f, 1f]);
        var y = g.Node("MatMul", "y", ["x", w]);
        g.Graph.Input.Add(OnnxGraphBuilder.FloatValue("x", "batch", null, 4));
        g.Graph.Output.Add(OnnxGraphBuilder.FloatValue(y, "batch", null, 1));
        var model = new ModelProto { IrVersion = 8, ProducerName = "AlexNet.Onnx diagnostics", Graph = g.Graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });
        return model.ToByteArray();
    }

    [GeneratedRegex(@"lib[\w.+-]+\.so[\d.]*: cannot open shared object file[^\r\n]*")]
    private static partial Regex LoaderMessage();
}
