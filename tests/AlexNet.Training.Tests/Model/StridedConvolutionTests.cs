using AlexNet.Training.Model;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace AlexNet.Training.Tests.Model;

[TestClass]
public sealed class StridedConvolutionTests
{
    // The paper's conv1 (227 px, 11×11, stride 4), torchvision's (224 px, padding 2), a kernel the stride divides, one
    // whose input leaves rows the kernel never reaches, and a grouped one: outputs within 1e-5 and the gradients of
    // input, weights and biases within 1e-4 of the largest value, against F.conv2d.
    public static IEnumerable<object[]> Geometries =>
    [
        ["paper conv1", new long[] { 2, 3, 227, 227 }, new long[] { 96, 3, 11, 11 }, 4, 0, 1],
        ["torchvision conv1", new long[] { 2, 3, 224, 224 }, new long[] { 64, 3, 11, 11 }, 4, 2, 1],
        ["4×4 kernel, stride 2", new long[] { 2, 5, 16, 16 }, new long[] { 8, 5, 4, 4 }, 2, 1, 1],
        ["unreached rows", new long[] { 2, 3, 30, 29 }, new long[] { 6, 3, 5, 5 }, 3, 0, 1],
        ["two groups", new long[] { 2, 6, 21, 21 }, new long[] { 8, 3, 5, 5 }, 2, 1, 2],
    ];

    [TestMethod]
    [DynamicData(nameof(Geometries))]
    public void SpaceToDepthEqualsTheDirectConvolutionAndItsGradients(string what, long[] input, long[] kernel, int stride, int padding, int groups)
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        var x = randn(input).requires_grad_();
        var w = (randn(kernel) * 0.1).requires_grad_();
        var b = randn(kernel[0]).requires_grad_();
        var direct = F.conv2d(x, w, b, strides: [stride, stride], padding: [padding, padding], groups: groups);
        var ours = StridedConvolution.SpaceToDepth(x, w, b, stride, padding, groups);
        CollectionAssert.AreEqual(direct.shape, ours.shape, what);
        var upstream = randn_like(direct);
        var expected = autograd.grad([direct], [x, w, b], [upstream]);
        var actual = autograd.grad([ours], [x, w, b], [upstream]);
        AssertClose(direct, ours, 1e-5, $"{what}: output");
        string[] names = ["input", "weight", "bias"];
        for (int i = 0; i < 3; i++) AssertClose(expected[i], actual[i], 1e-4, $"{what}: gradient of the {names[i]}");
    }

    [TestMethod]
    public void WithoutGradientsTheDirectConvolutionRuns()
    {
        using var scope = NewDisposeScope();
        var x = randn(1, 3, 227, 227);
        var w = randn(4, 3, 11, 11);
        var viaHelper = StridedConvolution.Conv2d(x, w, null, 4, 0);
        var direct = F.conv2d(x, w, null, strides: [4, 4]);
        Assert.AreEqual(0.0, (viaHelper - direct).abs().max().item<float>(), "bit for bit: the same call");
    }

    private static void AssertClose(Tensor expected, Tensor actual, double tolerance, string what)
    {
        double scale = expected.abs().max().item<float>(), diff = (actual - expected).abs().max().item<float>();
        Assert.IsGreaterThan(0.0, scale, $"{what}: nothing to compare");
        Assert.IsLessThanOrEqualTo(tolerance, diff / scale, $"{what}: max |diff| {diff:E3} against max |value| {scale:E3}");
    }
}
