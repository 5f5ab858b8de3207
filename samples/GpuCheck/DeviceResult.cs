namespace AlexNet.Samples.GpuCheck;

/// <summary>The outcome on one device.</summary>
/// <param name="Device">cpu or cuda:N.</param>
/// <param name="Route">"row by row" (one image per ONNX Runtime run, as a PredictionEngine goes) or "batch of B" (Transform's batches).</param>
/// <param name="Ok">Whether the pipeline ran there.</param>
/// <param name="ImagesPerSecond">Throughput after a warm-up image; 0 when it did not run.</param>
/// <param name="Scores">One score vector per image; empty when it did not run.</param>
/// <param name="Problem">Why it did not run, in plain words.</param>
/// <param name="Remedy">What to install or change.</param>
internal sealed record DeviceResult(string Device, string Route, bool Ok, double ImagesPerSecond, IReadOnlyList<float[]> Scores, string? Problem = null, string? Remedy = null);
