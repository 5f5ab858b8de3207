namespace AlexNet.Onnx.Diagnostics;

/// <summary>The result of creating a session on the CUDA execution provider for one device and running it once.</summary>
/// <param name="DeviceId">The CUDA device id tried.</param>
/// <param name="Usable">True when the session was created on CUDA and a MatMul ran and gave the right answer.</param>
/// <param name="Problem">Why not, in plain words; null when usable.</param>
/// <param name="Remedy">What to install or change; null when usable or unknown.</param>
/// <param name="RuntimeMessage">ONNX Runtime's own message, trimmed; null when usable.</param>
public sealed record CudaDeviceCheck(int DeviceId, bool Usable, string? Problem, string? Remedy, string? RuntimeMessage);
