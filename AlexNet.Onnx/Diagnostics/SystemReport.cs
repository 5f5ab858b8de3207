namespace AlexNet.Onnx.Diagnostics;

/// <summary>The operating system, C and C++ runtimes, processors and NVIDIA driver of this machine.</summary>
/// <param name="Os">The distribution's name (<c>/etc/os-release</c>) or the OS description.</param>
/// <param name="Kernel">The kernel version, e.g. "Linux 6.1.0-18-amd64".</param>
/// <param name="Architecture">The process architecture, e.g. X64.</param>
/// <param name="DotnetRuntime">The .NET runtime running this process.</param>
/// <param name="LibcVersion">glibc's version (<c>gnu_get_libc_version</c>), or null when not glibc.</param>
/// <param name="LibstdcxxPath">The libstdc++ the loader would use, or null when none was found.</param>
/// <param name="LibstdcxxNewestGlibcxx">Its newest <c>GLIBCXX_</c> symbol version, e.g. GLIBCXX_3.4.30 (GCC 12).</param>
/// <param name="LogicalProcessors">Processors .NET may schedule on.</param>
/// <param name="PhysicalCores">Physical cores (ONNX Runtime's default intra-op thread count), or null when unknown.</param>
/// <param name="Nvidia">The NVIDIA kernel driver and the GPUs it sees.</param>
public sealed record SystemReport(
    string Os,
    string Kernel,
    string Architecture,
    string DotnetRuntime,
    string? LibcVersion,
    string? LibstdcxxPath,
    string? LibstdcxxNewestGlibcxx,
    int LogicalProcessors,
    int? PhysicalCores,
    NvidiaDriverReport Nvidia);
