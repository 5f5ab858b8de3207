using AlexNet.Training.Model;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace AlexNet.Training.Tests.Model;

[TestClass]
public sealed class MaxPoolTests
{
    // The pooled layers' inputs of both presets (batch 2), and widths that are not a multiple of the vector lanes.
    public static IEnumerable<object[]> Shapes =>
    [
        ["small conv1", new long[] { 2, 64, 28, 28 }, 3, 2],
        ["small conv2", new long[] { 2, 128, 13, 13 }, 3, 2],
        ["paper conv1", new long[] { 2, 96, 55, 55 }, 3, 2],
        ["paper conv2", new long[] { 2, 256, 27, 27 }, 3, 2],
        ["paper conv5", new long[] { 2, 256, 13, 13 }, 3, 2],
        ["non-overlapping 2 × 2", new long[] { 2, 3, 9, 17 }, 2, 2],
        ["stride 1", new long[] { 1, 2, 7, 11 }, 3, 1],
    ];

    // ReLU outputs, so many windows hold several equal zeros: the gradient must go where libtorch sends it.
    [TestMethod]
    [DynamicData(nameof(Shapes))]
    public void OutputAndGradientAreLibtorchsExactly(string layer, long[] shape, int kernel, int stride)
    {
        using var scope = NewDisposeScope();
        manual_seed(7);
        var x = randn(shape).relu().requires_grad_();
        var upstream = randn(F.max_pool2d(x.detach(), kernel, stride).shape);
        var (expected, expectedGrad) = OutputAndGradient(x, upstream, h => F.max_pool2d(h, kernel, stride));
        var (ours, oursGrad) = OutputAndGradient(x, upstream, h => MaxPool.Apply(h, kernel, stride));
        Tensor inference;
        using (no_grad()) inference = MaxPool.Apply(x, kernel, stride);

        CollectionAssert.AreEqual(expected.shape, ours.shape, layer);
        Assert.IsTrue(Same(ours, expected), $"{layer}: output");
        Assert.IsTrue(Same(inference, expected), $"{layer}: output without gradients");
        Assert.IsTrue(Same(oursGrad, expectedGrad), $"{layer}: gradient, max |diff| {(oursGrad - expectedGrad).abs().max().item<float>()}");
    }

    // The channels-last form on the same shapes (channel counts that are and are not a multiple of the vector lanes):
    // libtorch's values and gradient exactly, both channels-last.
    [TestMethod]
    [DynamicData(nameof(Shapes))]
    public void ChannelsLastOutputAndGradientAreLibtorchsExactly(string layer, long[] shape, int kernel, int stride)
    {
        using var scope = NewDisposeScope();
        manual_seed(8);
        var contiguous = randn(shape).relu();
        var x = ChannelsLast.Of(contiguous).detach().requires_grad_();
        var upstream = randn(F.max_pool2d(contiguous, kernel, stride).shape);
        var (expected, expectedGrad) = OutputAndGradient(contiguous.detach().requires_grad_(), upstream, h => F.max_pool2d(h, kernel, stride));
        var ours = MaxPool.Apply(x, kernel, stride, MemoryFormat.ChannelsLast);
        var oursGrad = autograd.grad([ours], [x], [upstream])[0];
        Tensor inference;
        using (no_grad()) inference = MaxPool.Apply(x, kernel, stride, MemoryFormat.ChannelsLast);

        Assert.IsTrue(ChannelsLast.Is(ours), $"{layer}: output strides [{string.Join(", ", ours.stride())}]");
        Assert.IsTrue(ChannelsLast.Is(oursGrad), $"{layer}: gradient strides [{string.Join(", ", oursGrad.stride())}]");
        Assert.IsTrue(ChannelsLast.Is(inference), $"{layer}: strides without gradients");
        Assert.IsTrue(Same(ours, expected), $"{layer}: output");
        Assert.IsTrue(Same(inference, expected), $"{layer}: output without gradients");
        Assert.IsTrue(Same(oursGrad, expectedGrad), $"{layer}: gradient, max |diff| {(oursGrad - expectedGrad).abs().max().item<float>()}");
    }

    [TestMethod]
    public void ChannelsLastAWindowOfEqualValuesSendsItsGradientToItsFirstPositionInRowMajorOrder()
    {
        using var scope = NewDisposeScope();
        // As in the contiguous test below, in channel 5 of 11 (a vector lane; channels 8–10 take the scalar tail, where
        // channel 9 holds the same pattern), every other channel all zeros: its first position.
        var plane = zeros(3, 12);
        plane[0, 1] = tensor(5f);
        plane[1, 0] = tensor(5f);
        plane[2, 1] = tensor(5f);
        var contiguous = zeros(1, 11, 3, 12);
        contiguous[0, 5] = plane;
        contiguous[0, 9] = plane;
        var x = ChannelsLast.Of(contiguous).detach().requires_grad_();
        var y = MaxPool.Apply(x, 3, 2, MemoryFormat.ChannelsLast);
        var upstream = zeros_like(y);
        upstream[0, TensorIndex.Colon, 0, 0] = ones(11);
        var gradient = autograd.grad([y], [x], [upstream])[0];
        Assert.AreEqual(5f, y[0, 5, 0, 0].item<float>());
        Assert.AreEqual(5f, y[0, 9, 0, 0].item<float>());
        var expected = new float[3 * 12];
        expected[1] = 1;
        CollectionAssert.AreEqual(expected, gradient[0, 5].reshape(-1).data<float>().ToArray(), "channel 5 (vector)");
        CollectionAssert.AreEqual(expected, gradient[0, 9].reshape(-1).data<float>().ToArray(), "channel 9 (tail)");
        var zerosOnly = new float[3 * 12];
        zerosOnly[0] = 1;
        CollectionAssert.AreEqual(zerosOnly, gradient[0, 0].reshape(-1).data<float>().ToArray(), "channel 0, all zeros");
    }

    [TestMethod]
    public void ChannelsLastNaNIsTheMaximumOfAnyWindowThatHoldsIt()
    {
        using var scope = NewDisposeScope();
        var x = arange(0f, 24f * 9).reshape(1, 9, 2, 12);
        x[0, 2, 1, 1] = tensor(float.NaN);
        x[0, 8, 0, 0] = tensor(float.NaN);
        var expected = F.max_pool2d(x, 2, 2);
        var ours = MaxPool.Apply(ChannelsLast.Of(x), 2, 2, MemoryFormat.ChannelsLast);
        Assert.IsTrue(float.IsNaN(ours[0, 2, 0, 0].item<float>()), "vector lane");
        Assert.IsTrue(float.IsNaN(ours[0, 8, 0, 0].item<float>()), "scalar tail");
        CollectionAssert.AreEqual(expected.contiguous().data<float>().ToArray(), ours.contiguous().data<float>().ToArray());
    }

    [TestMethod]
    public void AWindowOfEqualValuesSendsItsGradientToItsFirstPositionInRowMajorOrder()
    {
        using var scope = NewDisposeScope();
        // The first window (columns 0–2 of a 3 × 12 plane): column 1 holds the maximum 5 in rows 0 and 2, column 0 in
        // row 1, and row-major order puts (0, 1) first. Only that window's output sends a gradient.
        var x = zeros(1, 1, 3, 12);
        x[0, 0, 0, 1] = tensor(5f);
        x[0, 0, 1, 0] = tensor(5f);
        x[0, 0, 2, 1] = tensor(5f);
        x.requires_grad_();
        var y = MaxPool.Apply(x, 3, 2);
        var upstream = zeros_like(y);
        upstream[0, 0, 0, 0] = tensor(1f);
        var gradient = autograd.grad([y], [x], [upstream])[0];
        Assert.AreEqual(5f, y[0, 0, 0, 0].item<float>());
        var expected = new float[3 * 12];
        expected[1] = 1;
        CollectionAssert.AreEqual(expected, gradient.reshape(-1).data<float>().ToArray());
    }

    [TestMethod]
    public void ChannelsLastInputAndASecondBackwardGiveTheSameGradient()
    {
        using var scope = NewDisposeScope();
        manual_seed(9);
        var x = randn(2, 7, 12, 5).permute(0, 3, 1, 2).detach().requires_grad_();   // [2, 5, 7, 12], channels last in memory
        var upstream = randn(2, 5, 3, 5);
        var (expected, expectedGrad) = OutputAndGradient(x, upstream, h => F.max_pool2d(h, 3, 2));
        var y = MaxPool.Apply(x, 3, 2);
        var first = autograd.grad([y], [x], [upstream], retain_graph: true)[0];
        var second = autograd.grad([y], [x], [upstream])[0];
        Assert.IsTrue(Same(y, expected), "output");
        Assert.IsTrue(Same(first, expectedGrad), "gradient");
        Assert.IsTrue(Same(second, expectedGrad), "gradient of a second backward through the same graph");
    }

    [TestMethod]
    public void NaNIsTheMaximumOfAnyWindowThatHoldsIt()
    {
        using var scope = NewDisposeScope();
        var x = arange(0f, 24f).reshape(1, 1, 2, 12);
        x[0, 0, 1, 1] = tensor(float.NaN);
        var expected = F.max_pool2d(x, 2, 2).data<float>().ToArray();
        var ours = MaxPool.Apply(x, 2, 2).data<float>().ToArray();
        Assert.IsTrue(float.IsNaN(ours[0]), $"window with NaN gave {ours[0]}");
        Assert.AreEqual(15f, ours[1]);
        CollectionAssert.AreEqual(expected, ours);
    }

    [TestMethod]
    public void DoublesGoToLibtorchsMaxPool()
    {
        using var scope = NewDisposeScope();
        manual_seed(2);
        // Equal values do not say which kernel ran; the output's layout does. For a channels-last input libtorch's kernel
        // writes a channels-last output, ours a contiguous [N, C, H, W] one. Both inputs are wide enough for our loops.
        var doubles = randn([2, 12, 24, 3], ScalarType.Float64).permute(0, 3, 1, 2);
        var floats = randn([2, 12, 24, 3]).permute(0, 3, 1, 2);

        var pooled = MaxPool.Apply(doubles, 3, 2);

        CollectionAssert.AreEqual(new long[] { 2, 3, 5, 11 }, pooled.shape);
        CollectionAssert.AreEqual(new long[] { 165, 1, 33, 3 }, pooled.stride(), "channels last: libtorch's kernel ran");
        CollectionAssert.AreEqual(new long[] { 165, 55, 11, 1 }, MaxPool.Apply(floats, 3, 2).stride(), "the control: floats go to our loops");
        Assert.AreEqual(ScalarType.Float64, pooled.dtype);
        Assert.IsTrue(Same(pooled, F.max_pool2d(doubles, 3, 2)));
    }

    [TestMethod]
    public void ChannelsLastDoublesGoToLibtorchsMaxPoolAndComeBackChannelsLast()
    {
        using var scope = NewDisposeScope();
        manual_seed(4);
        var doubles = randn([2, 3, 12, 24], ScalarType.Float64);   // contiguous: converted once, then libtorch's kernel

        var pooled = MaxPool.Apply(doubles, 3, 2, MemoryFormat.ChannelsLast);

        Assert.AreEqual(ScalarType.Float64, pooled.dtype);
        CollectionAssert.AreEqual(new long[] { 165, 1, 33, 3 }, pooled.stride(), "channels last");
        Assert.IsTrue(Same(pooled, F.max_pool2d(doubles, 3, 2)));
    }

    private static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    private static (Tensor Output, Tensor Gradient) OutputAndGradient(Tensor x, Tensor upstream, Func<Tensor, Tensor> pool)
    {
        var output = pool(x);
        var gradient = autograd.grad([output], [x], [upstream])[0];
        return (output.detach(), gradient);
    }
}
