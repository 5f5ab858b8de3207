using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace AlexNet.Onnx.Runtime;

/// <summary>
/// Finds out why ONNX Runtime's CUDA provider library did not load. ONNX Runtime's exception only says
/// "Failed to load shared library" (the dynamic loader's reason goes to its log), so the provider library
/// is loaded once more here to get the loader's message, e.g. "libcublasLt.so.13: cannot open shared object file".
/// </summary>
internal static partial class CudaProviderProbe
{
    private const string ProviderLibrary = "libonnxruntime_providers_cuda.so";

    /// <summary>The loader's reason, or null when the library is not found or loads fine (then the failure lies elsewhere).</summary>
    public static string? Explain()
    {
        if (!OperatingSystem.IsLinux()) return null;
        var path = Candidates().FirstOrDefault(File.Exists);
        if (path is null) return $"{ProviderLibrary} is not next to ONNX Runtime (the Microsoft.ML.OnnxRuntime.Gpu package ships it)";
        try
        {
            NativeLibrary.Free(NativeLibrary.Load(path));
            return null;
        }
        catch (DllNotFoundException e)
        {
            var missing = MissingLibrary().Match(e.Message);
            return missing.Success
                ? $"{ProviderLibrary} needs {missing.Groups[1].Value}, which the loader cannot find ({missing.Groups[2].Value.Trim()}); install the CUDA/cuDNN libraries ONNX Runtime was built for or add them to LD_LIBRARY_PATH"
                : e.Message;
        }
    }

    // Next to the loaded libonnxruntime.so first (its directory is where ONNX Runtime itself looks), then the app's folders.
    private static IEnumerable<string> Candidates()
    {
        string? loaded = null;
        try
        {
            loaded = File.ReadLines("/proc/self/maps")
                .Select(l => l[(l.IndexOf('/') is var i and >= 0 ? i : l.Length)..])
                .FirstOrDefault(p => p.EndsWith("/libonnxruntime.so", StringComparison.Ordinal));
        }
        catch (IOException) { }
        if (loaded is not null) yield return Path.Combine(Path.GetDirectoryName(loaded)!, ProviderLibrary);
        yield return Path.Combine(AppContext.BaseDirectory, ProviderLibrary);
        yield return Path.Combine(AppContext.BaseDirectory, "runtimes", RuntimeInformation.RuntimeIdentifier, "native", ProviderLibrary);
        yield return Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-" + RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant(), "native", ProviderLibrary);
    }

    [GeneratedRegex(@"(lib[\w.+-]+\.so[\d.]*): (cannot open shared object file[^\r\n]*)")]
    private static partial Regex MissingLibrary();
}
