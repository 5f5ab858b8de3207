using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace AlexNet.Training.Model;

/// <summary>
/// libtorch's CPU allocator takes every tensor's memory fresh from the kernel (glibc maps anything over 32 MiB on its
/// own and unmaps it on free), so each new activation or gradient is page-faulted in, 4 KiB at a time, on first touch:
/// on the development VM ~100 ms per 150 MB tensor, 7× the cost of the pass that fills it. With
/// <c>THP_MEM_ALLOC_ENABLE=1</c> libtorch asks for transparent huge pages (madvise) for tensors of 2 MiB and more:
/// 512× fewer faults. A paper-preset training step at batch 128 ran 1.2× faster, peak RSS unchanged; the small preset,
/// whose tensors glibc recycles without faults, unchanged (docs/benchmarks/2026-12-01-training-speed-lrn-maxpool.md). libtorch reads the variable once, at
/// its first allocation, so <see cref="Request"/> must run before any tensor exists.
/// </summary>
public static class HugePages
{
    /// <summary>The environment variable libtorch (c10's alloc_cpu) reads.</summary>
    public const string Variable = "THP_MEM_ALLOC_ENABLE";

    /// <summary>
    /// Sets <see cref="Variable"/> to 1 in the process's native environment, unless it is already set (so
    /// <c>THP_MEM_ALLOC_ENABLE=0</c> turns this off). Linux only; a no-op elsewhere. Child processes are not affected
    /// (.NET passes its own copy of the environment).
    /// </summary>
    /// <returns>True when the variable now asks for huge pages.</returns>
    public static bool Request()
    {
        if (!OperatingSystem.IsLinux()) return false;
        var current = Environment.GetEnvironmentVariable(Variable);
        if (current is not null) return current.Trim() != "0";
        try
        {
            return setenv(Variable, "1", 0) == 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    /// <summary>Whether libtorch allocates this way: then a 4 MiB tensor starts on a page boundary (libtorch aligns to
    /// the page), otherwise on glibc's 16 bytes past one.</summary>
    public static bool Active
    {
        get
        {
            using var probe = empty(1 << 20, dtype: ScalarType.Float32);
            return probe.storage<float>().data_ptr() % Environment.SystemPageSize == 0;
        }
    }

    [DllImport("libc", EntryPoint = "setenv", CharSet = CharSet.Ansi)]
    private static extern int setenv(string name, string value, int overwrite);
}
