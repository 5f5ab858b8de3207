using AlexNet.Onnx.Imaging;

namespace AlexNet.Onnx.Tests.Imaging;

/// <summary>The one crop geometry: the windows of each mode and the copy of one window, used by training and serving alike.</summary>
[TestClass]
public sealed class CropWindowTests
{
    // 2 channels × 5×5, value = 100·channel + 10·row + column, so every pixel tells where it came from.
    private static readonly float[] Grid = [.. Enumerable.Range(0, 50).Select(k => (float)(100 * (k / 25) + 10 * (k % 25 / 5) + k % 5))];

    [TestMethod]
    public void CutCopiesTheWindowAtItsTopAndLeft()
    {
        var dest = new float[2 * 3 * 3];
        new CropWindow(Top: 1, Left: 2, Mirror: false).Cut(Grid, 2, 5, 3, dest);
        CollectionAssert.AreEqual(new float[] { 12, 13, 14, 22, 23, 24, 32, 33, 34, 112, 113, 114, 122, 123, 124, 132, 133, 134 }, dest);
    }

    [TestMethod]
    public void MirrorReflectsEachRowOfTheWindow()
    {
        var dest = new float[2 * 3 * 3];
        new CropWindow(Top: 2, Left: 0, Mirror: true).Cut(Grid, 2, 5, 3, dest);
        CollectionAssert.AreEqual(new float[] { 22, 21, 20, 32, 31, 30, 42, 41, 40, 122, 121, 120, 132, 131, 130, 142, 141, 140 }, dest);
    }

    [TestMethod]
    public void AWindowThatLeavesTheImageIsRefusedNamingItsPlace()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => new CropWindow(3, 0, false).Cut(Grid, 2, 5, 3, new float[18]));
        StringAssert.Contains(e.Message, "A 3×3 window at (3, 0) leaves the 5×5 image.");
    }

    [TestMethod]
    public void CentreOfThePaperImageStartsAt14()
    {
        Assert.AreEqual(new CropWindow(14, 14, false), CropWindow.Centre(256, 227));
        Assert.AreEqual(2, CropWindow.CentreOffset(32, 28));
    }

    [TestMethod]
    public void TenCropIsFourCornersCentreThenTheirMirrors()
    {
        CollectionAssert.AreEqual(new[]
        {
            new CropWindow(0, 0, false), new CropWindow(0, 29, false), new CropWindow(29, 0, false), new CropWindow(29, 29, false), new CropWindow(14, 14, false),
            new CropWindow(0, 0, true), new CropWindow(0, 29, true), new CropWindow(29, 0, true), new CropWindow(29, 29, true), new CropWindow(14, 14, true),
        }, CropWindow.TenCrop(256, 227).ToArray());
    }

    [TestMethod]
    public void TenCropWindowsCutFromTheGridStartWhereTheySay()
    {
        var windows = CropWindow.TenCrop(5, 3);
        var dest = new float[10 * 18];
        for (int k = 0; k < 10; k++) windows[k].Cut(Grid, 2, 5, 3, dest.AsSpan(k * 18, 18));
        Assert.AreEqual(0f, dest[0], "top-left starts at (0, 0)");
        Assert.AreEqual(2f, dest[18], "top-right starts at column 2");
        Assert.AreEqual(20f, dest[36], "bottom-left starts at row 2");
        Assert.AreEqual(22f, dest[54], "bottom-right");
        Assert.AreEqual(11f, dest[72], "centre at (1, 1)");
        Assert.AreEqual(2f, dest[90], "mirrored top-left starts with column 2");
        Assert.AreEqual(111f, dest[9 * 18 + 9 + 2], "mirrored centre, channel 1, row 0, last output column = the window's first column (1, 1)");
    }

    [TestMethod]
    public void RandomAndWholeImageHaveNoFixedWindows()
    {
        Assert.ThrowsExactly<ArgumentException>(() => CropWindow.For(CropMode.Random, 32, 28));
        Assert.ThrowsExactly<ArgumentException>(() => CropWindow.For(CropMode.WholeImage, 32, 28));
        Assert.HasCount(1, CropWindow.For(CropMode.CentreCrop, 32, 28));
    }
}
