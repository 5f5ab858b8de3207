namespace AlexNet.Training.Diagnostics;

/// <summary>The state of build/TorchSharp.targets' GLIBCXX_3.4.32 step for the libLibTorchSharp.so this app loads.</summary>
public enum PatchState
{
    /// <summary>libLibTorchSharp.so was not found next to the app.</summary>
    LibraryNotFound,
    /// <summary>The library does not ask for the version at all.</summary>
    NotNeeded,
    /// <summary>The system libstdc++ has the version; no patch is needed (and none may be applied).</summary>
    SystemProvides,
    /// <summary>The system libstdc++ lacks the version and the need is marked weak: the patch applied, TorchSharp loads.</summary>
    Applied,
    /// <summary>The system libstdc++ lacks the version and the need is not weak: TorchSharp will fail to load.</summary>
    Missing,
}

/// <summary>Whether libLibTorchSharp.so's need for a libstdc++ version is satisfied, by the system or by the weak flag.</summary>
/// <param name="LibraryPath">The libLibTorchSharp.so checked, or null when not found.</param>
/// <param name="Version">The version, GLIBCXX_3.4.32.</param>
/// <param name="SystemProvides">Whether the system libstdc++ defines it.</param>
/// <param name="MarkedWeak">Whether the library's need for it is marked weak.</param>
/// <param name="State">The conclusion.</param>
public sealed record CompatibilityPatch(string? LibraryPath, string Version, bool SystemProvides, bool MarkedWeak, PatchState State);
