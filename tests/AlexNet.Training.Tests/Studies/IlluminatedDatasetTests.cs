using AlexNet.Training.Data;
using AlexNet.Training.Studies;

namespace AlexNet.Training.Tests.Studies;

[TestClass]
public sealed class IlluminatedDatasetTests
{
    private static readonly IImageDataset Gray = FashionMnist.Test(RepoPaths.FashionMnist, 32, limit: 20);

    [TestMethod]
    public void EachChannelIsTheGrayImageTimesTheIlluminantsGain()
    {
        var lit = new IlluminatedDataset(Gray, seed: 7);
        int plane = 32 * 32;
        var gray = new float[plane];
        var rgb = new float[3 * plane];
        Gray.ReadImage(3, gray);
        lit.ReadImage(3, rgb);
        var (r, g, b) = lit.Illuminant(3);
        for (int i = 0; i < plane; i++)
        {
            Assert.AreEqual(gray[i] * r, rgb[i], 1e-3);
            Assert.AreEqual(gray[i] * g, rgb[plane + i], 1e-3);
            Assert.AreEqual(gray[i] * b, rgb[2 * plane + i], 1e-3);
        }
        Assert.AreEqual(3, lit.Channels);
        Assert.AreEqual(Gray.GetLabel(3), lit.GetLabel(3));
    }

    [TestMethod]
    public void TheBrightestGainIsTheBrightnessBetweenPointSixAndOne()
    {
        var lit = new IlluminatedDataset(Gray, seed: 7);
        for (int i = 0; i < Gray.Count; i++)
        {
            var (r, g, b) = lit.Illuminant(i);
            double top = Math.Max(r, Math.Max(g, b));
            Assert.IsTrue(top is >= 0.6 and <= 1.0, $"image {i}: brightest gain {top}");
            Assert.IsTrue(Math.Min(r, Math.Min(g, b)) > 0);
        }
    }

    [TestMethod]
    public void IlluminantsDifferBetweenImagesAndRepeatForTheSameSeed()
    {
        var a = new IlluminatedDataset(Gray, seed: 7);
        Assert.AreEqual(a.Illuminant(5), new IlluminatedDataset(Gray, seed: 7).Illuminant(5));
        Assert.AreNotEqual(a.Illuminant(5), a.Illuminant(6));
        Assert.AreNotEqual(a.Illuminant(5), new IlluminatedDataset(Gray, seed: 8).Illuminant(5));
    }
}
