using AlexNet.Training.Training;
using static TorchSharp.torch;

namespace AlexNet.Training.Tests.Training;

[TestClass]
public sealed class OptimiserTests
{
    [TestMethod]
    public void PaperSgdFollowsSection5UpdateRule()
    {
        using var w = tensor(new[] { 2.0f }).requires_grad_(true);
        using var sgd = new PaperSgd([("w", w)], learningRate: 0.1, momentum: 0.9, weightDecay: 0.5);
        double wv = 2.0, v = 0;
        for (int step = 0; step < 3; step++)
        {
            sgd.ZeroGrad();
            using (var loss = (w * w).sum()) loss.backward(); // ∂L/∂w = 2w
            sgd.Step();
            v = 0.9 * v - 0.5 * 0.1 * wv - 0.1 * (2 * wv);
            wv += v;
            Assert.AreEqual(wv, w.item<float>(), 1e-5, $"step {step + 1}");
        }
    }

    [TestMethod]
    public void PlateauScheduleDividesByTenAfterPatienceAndAtMostThreeTimes()
    {
        var s = new PlateauSchedule { Patience = 2, MaxDrops = 3 };
        double lr = 0.01;
        lr = s.Observe(0.50, lr);
        lr = s.Observe(0.40, lr);
        Assert.AreEqual(0.01, lr, 1e-12, "improving: no drop");
        lr = s.Observe(0.41, lr);
        Assert.AreEqual(0.01, lr, 1e-12, "one flat epoch is within patience");
        lr = s.Observe(0.40, lr);
        Assert.AreEqual(0.001, lr, 1e-12, "second epoch without improvement drops the rate");
        for (int i = 0; i < 20; i++) lr = s.Observe(0.40, lr);
        Assert.AreEqual(1e-5, lr, 1e-15, "never more than three drops");
        Assert.AreEqual(3, s.Drops);
    }
}
