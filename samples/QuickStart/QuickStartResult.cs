namespace AlexNet.Samples.QuickStart;

/// <summary>Where the QuickStart's outputs went and what it measured.</summary>
/// <param name="Checkpoint">The training checkpoint.</param>
/// <param name="Metrics">metrics.csv (one row per epoch).</param>
/// <param name="TrainingCurve">The training-curve PNG.</param>
/// <param name="OnnxModel">The exported model.onnx.</param>
/// <param name="MlNetModel">The ML.NET model zip (the whole pipeline, the ONNX bytes inside).</param>
/// <param name="KernelGrid">The PNG grid of learned conv1 kernels, one block per tower.</param>
/// <param name="TestImages">Test images classified through ML.NET.</param>
/// <param name="Correct">How many of them ML.NET classified correctly (ten-crop).</param>
/// <param name="TorchSharpTenCropError">TorchSharp's own ten-crop top-1 error on the same images, for comparison.</param>
public sealed record QuickStartResult(string Checkpoint, string Metrics, string TrainingCurve, string OnnxModel, string MlNetModel,
    string KernelGrid, int TestImages, int Correct, double? TorchSharpTenCropError)
{
    /// <summary>Top-1 accuracy through ML.NET.</summary>
    public double Accuracy => TestImages == 0 ? 0 : (double)Correct / TestImages;
}
