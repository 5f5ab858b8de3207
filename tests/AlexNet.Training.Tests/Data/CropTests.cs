using AlexNet.Training.Data;

namespace AlexNet.Training.Tests.Data;

[TestClass]
public sealed class CropTests
{
    // 2 channels × 5×5, value = 100·channel + 10·row + column, so every pixel tells where it came from.
    private static readonly float[] Grid = Enumerable.Range(0, 50).Select(k => (float)(100 * (k / 25) + 10 * (k % 25 / 5) + k % 5)).ToArray();

    [TestMethod]
    public void CropCopiesThePatchAtXY()
    {
        var dest = new float[2 * 3 * 3];
        Crops.Crop(Grid, 2, 5, x: 2, y: 1, cropSize: 3, flip: false, dest);
        CollectionAssert.AreEqual(new float[] { 12, 13, 14, 22, 23, 24, 32, 33, 34, 112, 113, 114, 122, 123, 124, 132, 133, 134 }, dest);
    }

    [TestMethod]
    public void FlipMirrorsEachRowOfThePatch()
    {
        var dest = new float[2 * 3 * 3];
        Crops.Crop(Grid, 2, 5, x: 0, y: 2, cropSize: 3, flip: true, dest);
        CollectionAssert.AreEqual(new float[] { 22, 21, 20, 32, 31, 30, 42, 41, 40, 122, 121, 120, 132, 131, 130, 142, 141, 140 }, dest);
    }

    [TestMethod]
    public void CentreOfThePaperImageStartsAt14()
    {
        Assert.AreEqual(14, Crops.CentreOffset(256, 227));
        Assert.AreEqual(2, Crops.CentreOffset(32, 28));
    }

    [TestMethod]
    public void TenCropIsFourCornersCentreThenTheirMirrors()
    {
        var positions = TenCrop.Positions(256, 227);
        CollectionAssert.AreEqual(new[] { (0, 0, false), (29, 0, false), (0, 29, false), (29, 29, false), (14, 14, false),
            (0, 0, true), (29, 0, true), (0, 29, true), (29, 29, true), (14, 14, true) }, positions.ToArray());
    }

    [TestMethod]
    public void TenCropWritesTheCropsOneAfterAnother()
    {
        var dest = new float[10 * 2 * 3 * 3];
        TenCrop.Cut(Grid, 2, 5, 3, dest);
        Assert.AreEqual(0f, dest[0], "top-left starts at (0, 0)");
        Assert.AreEqual(2f, dest[18], "top-right starts at column 2");
        Assert.AreEqual(20f, dest[36], "bottom-left starts at row 2");
        Assert.AreEqual(22f, dest[54], "bottom-right");
        Assert.AreEqual(11f, dest[72], "centre at (1, 1)");
        Assert.AreEqual(2f, dest[90], "mirrored top-left starts with column 2");
        Assert.AreEqual(111f, dest[9 * 18 + 9 + 2], "mirrored centre, channel 1, row 0, last output column = the patch's first column (1, 1)");
    }

    [TestMethod]
    public void RandomCropsCoverEveryOffsetAndFlipHalfTheTime()
    {
        var seen = new HashSet<(int, int)>();
        int flips = 0;
        for (int i = 0; i < 4000; i++)
        {
            var random = SplitMix64.For(7, 0, i);
            var (x, y, flip) = Crops.DrawRandom(ref random, 32, 28);
            Assert.IsTrue(x is >= 0 and <= 4 && y is >= 0 and <= 4);
            seen.Add((x, y));
            if (flip) flips++;
        }
        Assert.HasCount(25, seen);
        Assert.AreEqual(2000, flips, 150);
    }
}
