using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace AlexNet.Onnx.Diagnostics;

/// <summary>
/// Checks the CUDA libraries behind ONNX Runtime's CUDA provider one by one: those its
/// <c>libonnxruntime_providers_cuda.so</c> links against (the CUDA runtime, cuBLAS, cuRAND, the driver's
/// <c>libcuda.so.1</c>) and cuDNN 9, which it opens when a model runs. The loader stops at the first missing
/// library; this names all of them, each with what to install.
/// </summary>
public static partial class CudaLibraries
{
    /// <summary>The provider library ONNX Runtime loads for CUDA.</summary>
    public const string ProviderLibrary = "libonnxruntime_providers_cuda.so";

    // ONNX Runtime opens cuDNN itself when a session first needs it, so it is not among the provider's DT_NEEDED entries.
    private const string CudnnLibrary = "libcudnn.so.9";

    /// <summary>Where the provider library is: next to the loaded libonnxruntime.so, else in the app's folders; null when absent.</summary>
    public static string? FindProviderLibrary()
    {
        var candidates = new List<string>();
        if (SystemDiagnostics.LoadedLibrary("/libonnxruntime.so") is { } loaded)
            candidates.Add(Path.Combine(Path.GetDirectoryName(loaded)!, ProviderLibrary));
        candidates.Add(Path.Combine(AppContext.BaseDirectory, ProviderLibrary));
        candidates.Add(Path.Combine(AppContext.BaseDirectory, "runtimes", RuntimeInformation.RuntimeIdentifier, "native", ProviderLibrary));
        candidates.Add(Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-" + RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant(), "native", ProviderLibrary));
        return candidates.FirstOrDefault(File.Exists);
    }

    /// <summary>Each CUDA library the provider needs (plus the driver and cuDNN 9), found or not.</summary>
    /// <param name="providerLibrary">The provider library; null finds it with <see cref="FindProviderLibrary"/>.</param>
    public static IReadOnlyList<CudaLibrary> Check(string? providerLibrary = null)
    {
        providerLibrary ??= FindProviderLibrary();
        var names = new List<string>();
        if (providerLibrary is not null)
        {
            try { names.AddRange(ElfFile.Read(providerLibrary).NeededLibraries.Where(IsNvidiaLibrary)); }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException) { }
        }
        if (!names.Contains("libcuda.so.1")) names.Add("libcuda.so.1");
        if (!names.Contains(CudnnLibrary)) names.Add(CudnnLibrary);
        return names.Select(n => new CudaLibrary(n, CanLoad(n), ProvidedBy(n))).ToList();
    }

    /// <summary>What provides a CUDA library, in plain words with the package name in NVIDIA's Debian/Ubuntu repository.</summary>
    /// <param name="soname">e.g. libcublasLt.so.13.</param>
    public static string ProvidedBy(string soname)
    {
        var cuda = Soname().Match(soname) is { Success: true } m ? m.Groups[2].Value : "";
        var stem = Soname().Match(soname) is { Success: true } s ? s.Groups[1].Value : soname;
        return stem switch
        {
            "libcuda" => "the NVIDIA driver",
            "libcudart" => $"the CUDA {cuda} runtime (cuda-cudart-{cuda}-x)",
            "libcublas" or "libcublasLt" => $"cuBLAS for CUDA {cuda} (libcublas-{cuda}-x)",
            "libcurand" => "cuRAND for CUDA 13 (libcurand-13-x)",
            "libcufft" => "cuFFT for CUDA 13 (libcufft-13-x)",
            "libcudnn" => $"cuDNN {cuda} for CUDA 13 (libcudnn{cuda}-cuda-13)",
            "libnvrtc" => $"NVRTC for CUDA {cuda} (cuda-nvrtc-{cuda}-x)",
            _ => "the CUDA 13 libraries (cuda-libraries-13-x)",
        };
    }

    /// <summary>What to do about missing libraries, as one sentence fragment starting with "install".</summary>
    /// <param name="missing">The missing libraries.</param>
    public static string Remedy(IEnumerable<CudaLibrary> missing)
    {
        var what = missing.Select(l => l.ProvidedBy).Distinct().ToList();
        if (what.Count == 0) return "install the CUDA 13 runtime, cuBLAS and cuDNN 9 that ONNX Runtime 1.31 was built for";
        var text = "install " + string.Join(", ", what);
        if (what.Any(w => w.Contains("CUDA 13", StringComparison.Ordinal)))
            text += " (NVIDIA's cuda-libraries-13-x package holds the CUDA 13 ones)";
        if (what.Contains("the NVIDIA driver"))
            text += "; in a container the NVIDIA Container Toolkit and --gpus all provide the driver";
        return text + "; or add the folder holding them to LD_LIBRARY_PATH";
    }

    private static bool IsNvidiaLibrary(string soname) => soname.StartsWith("libcu", StringComparison.Ordinal) || soname.StartsWith("libnv", StringComparison.Ordinal);

    private static bool CanLoad(string soname)
    {
        if (!NativeLibrary.TryLoad(soname, out var handle)) return false;
        NativeLibrary.Free(handle);
        return true;
    }

    [GeneratedRegex(@"^(lib[\w+-]+?)\.so\.(\d+)")]
    private static partial Regex Soname();
}
