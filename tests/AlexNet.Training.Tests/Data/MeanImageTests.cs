using AlexNet.Training.Data;

namespace AlexNet.Training.Tests.Data;

[TestClass]
public sealed class MeanImageTests
{
    [TestMethod]
    public void MeanIsThePerPixelAverageOfTheChosenImages()
    {
        var dataset = new ArrayDataset(1, 2, [[0, 10, 20, 30], [2, 10, 40, 31], [100, 100, 100, 100]], [0, 1, 0]);
        var mean = MeanImage.Compute(dataset, indices: [0, 1]);
        CollectionAssert.AreEqual(new[] { 1f, 10f, 30f, 30.5f }, mean.Values);
    }

    [TestMethod]
    public void MeanDoesNotDependOnTheThreadCount()
    {
        var dataset = ArrayDataset.Patterned(101, 3, 8);
        var one = MeanImage.Compute(dataset, maxDegreeOfParallelism: 1);
        var four = MeanImage.Compute(dataset, maxDegreeOfParallelism: 4);
        CollectionAssert.AreEqual(one.Values, four.Values);
        var expected0 = Enumerable.Range(0, 101).Average(n => (double)((n * 37) % 256));
        Assert.AreEqual((float)expected0, one.Values[0]);
    }

    [TestMethod]
    public void MeanOfFashionMnistAtThirtyTwoLooksLikeClothes()
    {
        var dataset = FashionMnist.Test(DataFiles.FashionMnist, 32, limit: 2000);
        var mean = MeanImage.Compute(dataset);
        Assert.HasCount(32 * 32, mean.Values);
        Assert.IsLessThan(5f, mean.Values[0], "corners are background");
        Assert.IsGreaterThan(100f, mean.Values[16 * 32 + 16], "the centre is garment");
    }

    [TestMethod]
    public void SubtractRemovesTheMeanInPlace()
    {
        var mean = new MeanImage(1, 2, [1, 2, 3, 4]);
        float[] image = [10, 10, 10, 10];
        mean.Normalise(image);
        CollectionAssert.AreEqual(new float[] { 9, 8, 7, 6 }, image);
    }
}
