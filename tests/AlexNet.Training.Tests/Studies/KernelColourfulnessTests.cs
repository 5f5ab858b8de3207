using AlexNet.Onnx.Model;
using AlexNet.Training.Studies;

namespace AlexNet.Training.Tests.Studies;

[TestClass]
public sealed class KernelColourfulnessTests
{
    // One 1×1 kernel per (R, G, B) triple.
    private static WeightTensor Kernels(params (float R, float G, float B)[] k) =>
        new([k.Length, 3, 1, 1], k.SelectMany(c => new[] { c.R, c.G, c.B }).ToArray());

    [TestMethod]
    public void AGrayKernelScoresZero() =>
        Assert.AreEqual(0, KernelColourfulness.PerKernel(Kernels((0.3f, 0.3f, 0.3f)))[0], 1e-12);

    [TestMethod]
    public void AnOpponentKernelWithNoGrayPartScoresOne() =>
        Assert.AreEqual(1, KernelColourfulness.PerKernel(Kernels((1f, -1f, 0f)))[0], 1e-12);

    [TestMethod]
    public void ARedOnlyKernelScoresTwoThirds() =>
        Assert.AreEqual(2.0 / 3, KernelColourfulness.PerKernel(Kernels((1f, 0f, 0f)))[0], 1e-12);

    [TestMethod]
    public void RandomKernelsAverageAboutTwoThirds()
    {
        var rng = new Random(5);
        var k = Enumerable.Range(0, 4000).Select(_ => ((float)rng.NextDouble() - 0.5f, (float)rng.NextDouble() - 0.5f, (float)rng.NextDouble() - 0.5f)).ToArray();
        Assert.AreEqual(2.0 / 3, KernelColourfulness.Mean(Kernels(k)), 0.02);
    }

    [TestMethod]
    public void GrayInputKernelsAreRejected() =>
        Assert.ThrowsExactly<ArgumentException>(() => KernelColourfulness.PerKernel(new WeightTensor([2, 1, 3, 3], new float[18])));

    [TestMethod]
    public void TheLearnedChangeIsTrainedMinusInitialWeights()
    {
        var change = KernelColourfulness.Change(Kernels((1f, 1f, 1f)), Kernels((2f, 0f, 1f)));
        CollectionAssert.AreEqual(new[] { 1f, -1f, 0f }, change.Data);
        Assert.AreEqual(1, KernelColourfulness.PerKernel(change)[0], 1e-12, "a purely chromatic change");
    }
}
