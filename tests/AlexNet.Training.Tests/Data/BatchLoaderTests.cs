using AlexNet.Onnx.Imaging;
using AlexNet.Training.Data;

namespace AlexNet.Training.Tests.Data;

[TestClass]
public sealed class BatchLoaderTests
{
    private static BatchLoaderOptions Training(int workers) => new()
    {
        BatchSize = 8,
        CropSize = 6,
        Mode = CropMode.Random,
        Pca = PcaLighting.ImageNet,
        Seed = 42,
        Workers = workers,
        Prefetch = 2,
    };

    [TestMethod]
    public void SameSeedAndEpochGiveIdenticalBatchesWhateverTheWorkerCount()
    {
        var dataset = ArrayDataset.Patterned(50, 3, 8);
        var mean = MeanImage.Compute(dataset);
        var a = new BatchLoader(dataset, null, Training(1) with { Mean = mean }).Epoch(3).ToArray();
        var b = new BatchLoader(dataset, null, Training(4) with { Mean = mean }).Epoch(3).ToArray();
        Assert.HasCount(7, a);
        Assert.AreEqual(2, a[^1].Count, "50 = 6 × 8 + 2");
        for (int i = 0; i < a.Length; i++)
        {
            CollectionAssert.AreEqual(a[i].Indices, b[i].Indices);
            CollectionAssert.AreEqual(a[i].Labels, b[i].Labels);
            CollectionAssert.AreEqual(a[i].Images, b[i].Images);
        }
    }

    [TestMethod]
    public void AnEpochCancelledBeforeAnyBatchIsBuiltEndsWithNone()
    {
        // Cancelled workers build nothing more: the consumer must not wait for a batch (it waited forever before).
        using var stop = new CancellationTokenSource();
        stop.Cancel();
        var batches = new BatchLoader(ArrayDataset.Patterned(50, 3, 8), null, Training(2)).Epoch(0, stop.Token).ToList();
        Assert.IsEmpty(batches);
    }

    [TestMethod]
    public void EachEpochIsADifferentPermutationOfTheIndices()
    {
        var dataset = ArrayDataset.Patterned(50, 3, 8);
        var loader = new BatchLoader(dataset, null, Training(2));
        var first = loader.Epoch(0).SelectMany(batch => batch.Indices).ToArray();
        var second = loader.Epoch(1).SelectMany(batch => batch.Indices).ToArray();
        CollectionAssert.AreEquivalent(Enumerable.Range(0, 50).ToArray(), first);
        CollectionAssert.AreEquivalent(Enumerable.Range(0, 50).ToArray(), second);
        CollectionAssert.AreNotEqual(first, second);
        CollectionAssert.AreNotEqual(Enumerable.Range(0, 50).ToArray(), first);
    }

    [TestMethod]
    public void CentreModeServesTheMeanSubtractedCentreInOrder()
    {
        var dataset = ArrayDataset.Patterned(5, 1, 4);
        var mean = MeanImage.Compute(dataset);
        var loader = new BatchLoader(dataset, [4, 1], new BatchLoaderOptions { BatchSize = 2, CropSize = 2, Mode = CropMode.CentreCrop, Mean = mean, Shuffle = false, Workers = 2 });
        var batch = loader.Epoch(0).Single();
        CollectionAssert.AreEqual(new[] { 4, 1 }, batch.Indices);
        var image = new float[16];
        dataset.ReadImage(4, image);
        // The centre 2×2 of a 4×4 image is rows 1–2, columns 1–2.
        int[] centre = [5, 6, 9, 10];
        CollectionAssert.AreEqual(centre.Select(k => image[k] - mean.Values[k]).ToArray(), batch.Images[..4]);
    }

    [TestMethod]
    public void WithPaddingTheCentreCropOfAnImageAsLargeAsTheCropIsTheWholeMeanSubtractedImage()
    {
        var dataset = ArrayDataset.Patterned(3, 1, 4);
        var mean = MeanImage.Compute(dataset);
        var loader = new BatchLoader(dataset, [2], new BatchLoaderOptions { BatchSize = 1, CropSize = 4, Padding = 2, Mode = CropMode.CentreCrop, Mean = mean, Shuffle = false, Workers = 1 });
        var batch = loader.Epoch(0).Single();
        var image = new float[16];
        dataset.ReadImage(2, image);
        CollectionAssert.AreEqual(image.Select((v, k) => v - mean.Values[k]).ToArray(), batch.Images);
    }

    [TestMethod]
    public void WithPaddingTheTopLeftTenCropCornerHoldsZerosInThePaddingAndTheImageShiftedByIt()
    {
        var dataset = ArrayDataset.Patterned(1, 1, 4);
        var loader = new BatchLoader(dataset, null, new BatchLoaderOptions { BatchSize = 1, CropSize = 4, Padding = 1, Mode = CropMode.TenCrop, Shuffle = false, Workers = 1 });
        var batch = loader.Epoch(0).Single();
        var image = new float[16];
        dataset.ReadImage(0, image);
        // Crop 0 is the top-left 4×4 of the 6×6 padded image: row 0 and column 0 are padding, then image rows/columns 0–2.
        var topLeft = batch.Images[..16];
        for (int y = 0; y < 4; y++)
            for (int x = 0; x < 4; x++)
                Assert.AreEqual(y == 0 || x == 0 ? 0f : image[(y - 1) * 4 + x - 1], topLeft[y * 4 + x], $"({y}, {x})");
    }

    [TestMethod]
    public void ACropLargerThanThePaddedImageIsRejected()
    {
        var dataset = ArrayDataset.Patterned(1, 1, 4);
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            new BatchLoader(dataset, null, new BatchLoaderOptions { BatchSize = 1, CropSize = 7, Padding = 1, Workers = 1 }));
        StringAssert.Contains(e.Message, "1…6");
    }

    [TestMethod]
    public void TenCropServesTenCropsPerImageImageMajor()
    {
        var dataset = ArrayDataset.Patterned(3, 3, 8);
        var loader = new BatchLoader(dataset, null, new BatchLoaderOptions { BatchSize = 3, CropSize = 6, Mode = CropMode.TenCrop, Shuffle = false, Workers = 1 });
        var batch = loader.Epoch(0).Single();
        Assert.AreEqual(10, batch.CropsPerImage);
        Assert.HasCount(3 * 10 * 3 * 6 * 6, batch.Images);
        var image = new float[3 * 8 * 8];
        dataset.ReadImage(1, image);
        var expected = new float[10 * 3 * 36];
        var windows = CropWindow.TenCrop(8, 6);
        for (int k = 0; k < 10; k++) windows[k].Cut(image, 3, 8, 6, expected.AsSpan(k * 108, 108));
        CollectionAssert.AreEqual(expected, batch.Images[(10 * 108)..(20 * 108)]);
    }

    [TestMethod]
    public void WorkersStayAtMostPrefetchBatchesAhead()
    {
        // Prefetch 2, three workers: the batch in hand holds one slot and one more batch may be built; a slot comes back when
        // the consumer asks for the next batch. The loader says how many workers wait for a slot; once all three wait, no
        // image is read until the consumer moves on, so the count of reads is final there, however fast the machine.
        var dataset = ArrayDataset.Patterned(200, 1, 8);
        using var allWaiting = new SemaphoreSlim(0);
        var loader = new BatchLoader(dataset, null, new BatchLoaderOptions { BatchSize = 10, CropSize = 8, Seed = 1, Workers = 3, Prefetch = 2 })
        {
            WorkersWaitingForASlot = waiting => { if (waiting == 3) allWaiting.Release(); },
        };
        var patience = TimeSpan.FromMinutes(1);
        using var batches = loader.Epoch(0).GetEnumerator();

        Assert.IsTrue(batches.MoveNext());
        Assert.IsTrue(allWaiting.Wait(patience), "the three workers never all waited for a slot");
        Assert.AreEqual(20, dataset.Reads, "the batch in hand and one more: no third batch while two slots are taken");

        Assert.IsTrue(batches.MoveNext());
        Assert.IsTrue(allWaiting.Wait(patience), "the workers never all waited again");
        Assert.AreEqual(30, dataset.Reads, "the first batch's slot went back: exactly one more batch was built");
    }

    [TestMethod]
    public void AWorkerErrorReachesTheConsumer()
    {
        var dataset = new ArrayDataset(1, 4, [new float[16], new float[17]], [0, 1]);
        var loader = new BatchLoader(dataset, null, new BatchLoaderOptions { BatchSize = 1, CropSize = 4, Shuffle = false, Workers = 2 });
        Assert.ThrowsExactly<ArgumentException>(() => loader.Epoch(0).ToArray());
    }
}
