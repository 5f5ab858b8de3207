namespace AlexNet.Training.Diagnostics;

/// <summary>What TorchSharp can do here: backend, versions, CUDA, threads, and the libstdc++ compatibility step.</summary>
/// <param name="Backend">cpu or cuda: which TorchSharp native package the app was built with (-p:TorchBackend).</param>
/// <param name="TorchSharpVersion">The TorchSharp assembly's version.</param>
/// <param name="Patch">The GLIBCXX_3.4.32 compatibility step for libLibTorchSharp.so.</param>
/// <param name="Loaded">Whether libtorch loaded and ran a tensor operation.</param>
/// <param name="LoadProblem">Why not, in plain words; null when loaded.</param>
/// <param name="TorchVersion">libtorch's version, e.g. 2.10.0+cpu; null when it did not load.</param>
/// <param name="CudaAvailable">torch.cuda.is_available().</param>
/// <param name="CudaDeviceCount">torch.cuda.device_count(); 0 without CUDA.</param>
/// <param name="CudaProblem">Why CUDA is not available, in plain words; null when it is.</param>
/// <param name="DeviceNames">Names of the CUDA devices, from the NVIDIA driver, in PCI order.</param>
/// <param name="IntraOpThreads">torch.get_num_threads().</param>
/// <param name="InterOpThreads">torch.get_num_interop_threads().</param>
/// <param name="MklVendorCheck">What this process did about MKL's vendor question before libtorch loaded
/// (<see cref="Model.MklVendorCheck.Apply"/>); null when it never asked (an app that does not call it).</param>
/// <param name="Mkl">The MKL inside libtorch as it reports itself: version, the code path it takes, who answered its
/// vendor question; null when libtorch did not load or carries no MKL (macOS, Windows, ARM).</param>
/// <param name="FreedMemory">What this process did about glibc keeping freed memory (<see cref="Model.FreedMemory.Keep"/>);
/// null when it never asked (an app that does not call it: glibc's defaults).</param>
/// <param name="LargeBlocksMapped">Whether glibc gives a large block a mapping of its own in this process now
/// (<see cref="Model.FreedMemory.LargeBlocksMapped"/>): false where freed memory is kept; null where glibc cannot say.</param>
public sealed record TorchSharpReport(
    string Backend,
    string TorchSharpVersion,
    CompatibilityPatch Patch,
    bool Loaded,
    string? LoadProblem,
    string? TorchVersion,
    bool CudaAvailable,
    int CudaDeviceCount,
    string? CudaProblem,
    IReadOnlyList<string> DeviceNames,
    int IntraOpThreads,
    int InterOpThreads,
    Model.MklVendorState? MklVendorCheck = null,
    Model.MklReport? Mkl = null,
    Model.FreedMemoryState? FreedMemory = null,
    bool? LargeBlocksMapped = null);
