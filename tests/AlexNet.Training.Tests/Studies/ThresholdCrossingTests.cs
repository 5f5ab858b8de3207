using AlexNet.Training.Studies;
using AlexNet.Training.Training;

namespace AlexNet.Training.Tests.Studies;

[TestClass]
public sealed class ThresholdCrossingTests
{
    private static EpochMetrics Epoch(int e, double trainError) => new(e, 0.01, 1, trainError, 0.5, 0.1, 1, 1);

    [TestMethod]
    public void InterpolatesBetweenTheEpochsAroundTheCrossing()
    {
        // 50% after epoch 1, 20% after epoch 2: 25% lies 5/6 of the way through epoch 2.
        double? e = ThresholdCrossing.Epochs([Epoch(1, 0.5), Epoch(2, 0.2)], 0.25, 10);
        Assert.AreEqual(1 + 5.0 / 6, e!.Value, 1e-12);
    }

    [TestMethod]
    public void StartsFromChanceAtEpochZero()
    {
        // 90% at epoch 0 (ten classes), 10% after epoch 1: 50% is reached half-way.
        Assert.AreEqual(0.5, ThresholdCrossing.Epochs([Epoch(1, 0.1)], 0.5, 10)!.Value, 1e-12);
    }

    [TestMethod]
    public void IsNullWhenTheThresholdIsNeverReached() =>
        Assert.IsNull(ThresholdCrossing.Epochs([Epoch(1, 0.6), Epoch(2, 0.4)], 0.25, 10));
}
