using AlexNet.Onnx.Diagnostics;
using AlexNet.Training.Model;
using TorchSharp;

namespace AlexNet.Training.Diagnostics;

/// <summary>Checks TorchSharp: which backend is deployed, whether libtorch loads and runs, CUDA, threads, and which code
/// path the MKL inside libtorch takes.</summary>
public static class TorchSharpDiagnostics
{
    /// <summary>The libstdc++ version TorchSharp 0.107's libLibTorchSharp.so asks for and Debian 12 lacks.</summary>
    public const string NeededGlibcxx = "GLIBCXX_3.4.32";

    /// <summary>Runs the checks; loads libtorch (and its CUDA part with the cuda backend).</summary>
    /// <param name="appFolder">Where the app's native libraries are; null for <see cref="AppContext.BaseDirectory"/>.</param>
    public static TorchSharpReport Run(string? appFolder = null)
    {
        appFolder ??= AppContext.BaseDirectory;
        var backend = NativeFile(appFolder, "libtorch_cuda.so") is not null ? "cuda" : "cpu";
        var version = typeof(torch).Assembly.GetName().Version?.ToString(3) ?? "unknown";
        var names = NvidiaDriver.Read().Gpus.Select(g => g.Name).ToList();

        string? torchVersion;
        CompatibilityPatch patch;
        try
        {
            torchVersion = torch.__version__;
            using var x = torch.ones(2, 2);
            using var y = x.matmul(x);
            if (y.sum().item<float>() != 8f) throw new InvalidOperationException("a 2×2 matmul of ones did not sum to 8");
        }
        catch (Exception e)
        {
            patch = CheckPatch(NativeFile(appFolder, "libLibTorchSharp.so"));
            return new TorchSharpReport(backend, version, patch, false, LoadProblem(e, patch), null, false, 0,
                "libtorch did not load", names, 0, 0);
        }

        // The copy libtorch actually loaded, which is the one that matters.
        patch = CheckPatch(SystemDiagnostics.LoadedLibrary("/libLibTorchSharp.so") ?? NativeFile(appFolder, "libLibTorchSharp.so"));
        bool cuda = false;
        int count = 0;
        string? cudaProblem;
        if (backend == "cpu")
            cudaProblem = "this app was built with TorchSharp-cpu, which has no CUDA; build with -p:TorchBackend=cuda (TorchSharp-cuda-linux)";
        else
        {
            try
            {
                cuda = torch.TryInitializeDeviceType(DeviceType.CUDA) && torch.cuda.is_available();
                count = cuda ? torch.cuda.device_count() : 0;
                cudaProblem = cuda ? null : CudaProblem(names.Count);
            }
            catch (Exception e)
            {
                cudaProblem = $"{CudaProblem(names.Count)} ({FirstLine(e.Message)})";
            }
        }
        return new TorchSharpReport(backend, version, patch, true, null, torchVersion, cuda, count, cudaProblem, names,
            torch.get_num_threads(), torch.get_num_interop_threads(), MklVendorCheck.State, MklVendorCheck.Inspect(),
            FreedMemory.State, FreedMemory.LargeBlocksMapped());
    }

    /// <summary>Reads the compatibility step's state from a libLibTorchSharp.so.</summary>
    /// <param name="library">The library, or null when it was not found.</param>
    public static CompatibilityPatch CheckPatch(string? library)
    {
        bool system = SystemDiagnostics.LibstdcxxProvides(NeededGlibcxx);
        if (library is null) return new CompatibilityPatch(null, NeededGlibcxx, system, false, PatchState.LibraryNotFound);
        ElfVersionNeed? need;
        try { need = ElfFile.Read(library).VersionNeeds.FirstOrDefault(n => n.Version == NeededGlibcxx); }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            return new CompatibilityPatch(library, NeededGlibcxx, system, false, PatchState.LibraryNotFound);
        }
        bool weak = need?.Weak ?? false;
        var state = need is null ? PatchState.NotNeeded
            : system ? PatchState.SystemProvides
            : weak ? PatchState.Applied
            : PatchState.Missing;
        return new CompatibilityPatch(library, NeededGlibcxx, system, weak, state);
    }

    private static string LoadProblem(Exception e, CompatibilityPatch patch)
    {
        var all = string.Join(" ", Chain(e).Select(x => x.Message));
        if (all.Contains(NeededGlibcxx, StringComparison.Ordinal) || patch.State == PatchState.Missing)
            return $"libLibTorchSharp.so needs {NeededGlibcxx} (GCC 13's libstdc++), which this system's libstdc++ lacks, and the copy here is not patched; " +
                   "rebuild with build/TorchSharp.targets imported (it marks that need weak) or install a libstdc++ from GCC 13 or newer";
        return $"libtorch did not load: {FirstLine(Chain(e).Last().Message)}";
    }

    private static string CudaProblem(int driverGpus) => driverGpus == 0
        ? "CUDA sees no GPU: install the NVIDIA driver (TorchSharp-cuda-linux brings its own CUDA 12.8 libraries; the driver must support CUDA 12.8) and check nvidia-smi"
        : "libtorch's CUDA part did not initialise although the driver lists a GPU: update the NVIDIA driver to one that supports CUDA 12.8 (r570 or newer)";

    private static IEnumerable<Exception> Chain(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException) yield return x;
    }

    private static string FirstLine(string s) => s.Split('\n', 2)[0].Trim();

    private static string? NativeFile(string folder, string name) =>
        Directory.Exists(folder) ? Directory.EnumerateFiles(folder, name, SearchOption.AllDirectories).FirstOrDefault() : null;
}
