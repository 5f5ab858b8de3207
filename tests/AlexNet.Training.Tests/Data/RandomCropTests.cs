using AlexNet.Training.Data;

namespace AlexNet.Training.Tests.Data;

[TestClass]
public sealed class RandomCropTests
{
    [TestMethod]
    public void RandomCropsCoverEveryOffsetAndFlipHalfTheTime()
    {
        var seen = new HashSet<(int, int)>();
        int flips = 0;
        for (int i = 0; i < 4000; i++)
        {
            var random = SplitMix64.For(7, 0, i);
            var w = Crops.DrawRandom(ref random, 32, 28);
            Assert.IsTrue(w.Left is >= 0 and <= 4 && w.Top is >= 0 and <= 4);
            seen.Add((w.Left, w.Top));
            if (w.Mirror) flips++;
        }
        Assert.HasCount(25, seen);
        Assert.AreEqual(2000, flips, 150);
    }
}
