namespace AlexNet.Onnx.Diagnostics;

/// <summary>A GPU the NVIDIA kernel driver lists.</summary>
/// <param name="Index">Position in PCI bus order, which is nvidia-smi's order (CUDA numbers devices the same way when <c>CUDA_DEVICE_ORDER=PCI_BUS_ID</c>).</param>
/// <param name="Name">The model, e.g. "NVIDIA H100 80GB HBM3".</param>
/// <param name="BusId">The PCI bus id.</param>
public sealed record NvidiaGpu(int Index, string Name, string BusId);

/// <summary>What <c>/proc/driver/nvidia</c> says: whether the NVIDIA kernel driver is loaded, its version and its GPUs.</summary>
/// <param name="DriverVersion">The kernel module's version, e.g. 580.65.06; null when the driver is not loaded (or not visible in a container).</param>
/// <param name="Gpus">The GPUs it lists; empty without the driver.</param>
public sealed record NvidiaDriverReport(string? DriverVersion, IReadOnlyList<NvidiaGpu> Gpus);
