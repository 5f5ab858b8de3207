namespace AlexNet.Onnx.Diagnostics;

/// <summary>A library ONNX Runtime's CUDA provider needs, whether the loader finds it, and what provides it.</summary>
/// <param name="Name">The soname, e.g. libcublasLt.so.13.</param>
/// <param name="Found">Whether the dynamic loader can load it by that name (system folders, ld.so.cache, LD_LIBRARY_PATH).</param>
/// <param name="ProvidedBy">What to install to get it, in plain words.</param>
public sealed record CudaLibrary(string Name, bool Found, string ProvidedBy);
