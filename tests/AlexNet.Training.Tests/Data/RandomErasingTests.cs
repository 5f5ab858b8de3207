using AlexNet.Onnx.Imaging;
using AlexNet.Training.Data;

namespace AlexNet.Training.Tests.Data;

[TestClass]
public sealed class RandomErasingTests
{
    [TestMethod]
    public void HalfTheCropsGetARectangleOfTwoToFortyPercentInsideTheCrop()
    {
        const int size = 28, draws = 20_000;
        int erased = 0;
        double areaSum = 0;
        for (int n = 0; n < draws; n++)
        {
            var random = SplitMix64.For(7, 0, n);
            var (x, y, w, h) = RandomErasing.Draw(ref random, 0.5, size);
            if (w == 0) continue;
            erased++;
            Assert.IsTrue(x >= 0 && y >= 0 && x + w <= size && y + h <= size, $"({x}, {y}, {w}×{h}) leaves the crop");
            double area = (double)w * h / (size * size);
            Assert.IsTrue(area is > 0.01 and < 0.45, $"{w}×{h} covers {area:P1}");
            Assert.IsTrue((double)h / w is >= 0.2 and <= 5, $"{w}×{h}: aspect 0.3–3.3 before rounding to whole pixels");
            areaSum += area;
        }
        Assert.AreEqual(0.5, (double)erased / draws, 0.015);
        Assert.AreEqual(0.21, areaSum / erased, 0.015, "the area is uniform between 2 and 40 %");
    }

    [TestMethod]
    public void ZeroProbabilityNeverErasesAndDrawsNothingFromTheStream()
    {
        var random = SplitMix64.For(7, 0, 0);
        var untouched = random;
        Assert.AreEqual((0, 0, 0, 0), RandomErasing.Draw(ref random, 0, 28));
        Assert.AreEqual(untouched.NextUInt64(), random.NextUInt64(), "runs without erasing keep their crops and flips");
    }

    [TestMethod]
    public void ApplyZeroesTheRectangleInEveryChannelAndNothingElse()
    {
        var crop = Enumerable.Repeat(1f, 2 * 4 * 4).ToArray();
        RandomErasing.Apply(crop, 2, 4, (X: 1, Y: 2, Width: 2, Height: 1));
        for (int ch = 0; ch < 2; ch++)
            for (int row = 0; row < 4; row++)
                for (int col = 0; col < 4; col++)
                    Assert.AreEqual(row == 2 && col is 1 or 2 ? 0f : 1f, crop[(ch * 4 + row) * 4 + col], $"channel {ch}, ({row}, {col})");
    }

    [TestMethod]
    public void TheLoaderErasesOneRectanglePerCropOfTheSameCropsItServesWithoutErasing()
    {
        const int size = 8, crop = 6;
        var images = Enumerable.Range(0, 40).Select(n => Enumerable.Range(0, size * size).Select(k => 1f + (n * 7 + k) % 200).ToArray()).ToArray();
        var dataset = new ArrayDataset(1, size, images, Enumerable.Range(0, 40).Select(n => n % 2).ToArray());
        var options = new BatchLoaderOptions { BatchSize = 8, CropSize = crop, Mode = CropMode.Random, Seed = 3, Workers = 2 };
        var plain = new BatchLoader(dataset, null, options).Epoch(0).SelectMany(b => b.Images).ToArray();
        var erased = new BatchLoader(dataset, null, options with { RandomErasing = 1 }).Epoch(0).SelectMany(b => b.Images).ToArray();
        int withRectangle = 0;
        for (int n = 0; n < 40; n++)
        {
            var changed = Enumerable.Range(0, crop * crop).Where(k => plain[n * crop * crop + k] != erased[n * crop * crop + k]).ToArray();
            if (changed.Length == 0) continue;
            withRectangle++;
            Assert.IsTrue(changed.All(k => erased[n * crop * crop + k] == 0f), $"crop {n}: changed pixels are zero (the mean)");
            int rows = changed.Max(k => k / crop) - changed.Min(k => k / crop) + 1, cols = changed.Max(k => k % crop) - changed.Min(k => k % crop) + 1;
            Assert.AreEqual(rows * cols, changed.Length, $"crop {n}: the changed pixels fill their bounding box");
        }
        Assert.IsGreaterThanOrEqualTo(36, withRectangle, "p = 1: nearly every crop (a rectangle can fail to fit a 6-px crop 10 times)");
    }
}
