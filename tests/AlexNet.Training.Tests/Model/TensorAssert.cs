using static TorchSharp.torch;

namespace AlexNet.Training.Tests.Model;

/// <summary>Tensor comparisons of the model tests.</summary>
internal static class TensorAssert
{
    /// <summary>Asserts (float32 or float64) that the largest difference is within <paramref name="tolerance"/> of the largest
    /// |<paramref name="expected"/>|, which must not be 0 (nothing to compare).</summary>
    public static void Close(Tensor expected, Tensor actual, double tolerance, string what)
    {
        using var scope = NewDisposeScope();
        double scale = expected.abs().max().to(ScalarType.Float64).item<double>();
        double diff = (actual - expected).abs().max().to(ScalarType.Float64).item<double>();
        Assert.IsGreaterThan(0.0, scale, $"{what}: nothing to compare");
        Assert.IsLessThanOrEqualTo(tolerance, diff / scale, $"{what}: max |diff| {diff:E3} against max |value| {scale:E3}");
    }
}
