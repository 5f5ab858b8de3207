using AlexNet.Onnx.Datasets;
using AlexNet.Training.Data;
using AlexNet.Training.Training;

namespace AlexNet.Training.Tests.Data;

[TestClass]
public sealed class ClassSubsetTests
{
    // Six images labelled 0, 1, 2, 0, 1, 2 whose first pixel is their index.
    private static ArrayDataset Six() => new(1, 2, Enumerable.Range(0, 6).Select(n => new float[] { n, 0, 0, 0 }).ToArray(), [0, 1, 2, 0, 1, 2]);

    private static float FirstPixel(IImageDataset d, int index)
    {
        var image = new float[d.Channels * d.Size * d.Size];
        d.ReadImage(index, image);
        return image[0];
    }

    [TestMethod]
    public void KeptClassesAreRelabelledInTheOrderGivenWithTheirNames()
    {
        var view = new ClassSubset(Six(), [2, 0]);

        Assert.AreEqual(4, view.Count);
        CollectionAssert.AreEqual(new[] { "2", "0" }, view.ClassNames.ToArray());
        CollectionAssert.AreEqual(new[] { 1, 0, 1, 0 }, Enumerable.Range(0, 4).Select(view.GetLabel).ToArray(), "class 2 is now 0, class 0 is now 1");
        CollectionAssert.AreEqual(new[] { 0, 2, 3, 5 }, Enumerable.Range(0, 4).Select(view.SourceIndex).ToArray(), "dataset order kept");
        CollectionAssert.AreEqual(new[] { 0f, 2f, 3f, 5f }, Enumerable.Range(0, 4).Select(i => FirstPixel(view, i)).ToArray(), "the inner images themselves");
        CollectionAssert.AreEqual(new[] { 2, 2 }, view.CountPerClass.ToArray());
        Assert.AreEqual(1, view.Channels);
        Assert.AreEqual(2, view.Size);
    }

    [TestMethod]
    public void TheCapKeepsTheFirstImagesOfEachClassOfFashionMnist()
    {
        var test = FashionMnist.Test(DataFiles.FashionMnist, 28, limit: 300);
        var raw = IdxFile.Read(Path.Combine(DataFiles.FashionMnist, "t10k-labels-idx1-ubyte.gz")).Data;
        int[] classes = [5, 6, 7, 8, 9];

        var view = new ClassSubset(test, classes, perClass: 3);

        Assert.AreEqual(15, view.Count);
        CollectionAssert.AreEqual(new[] { "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot" }, view.ClassNames.ToArray());
        // Expected from the raw label file: the first three rows of each class among the first 300, in file order.
        var expected = Enumerable.Range(0, 300).Where(i => raw[i] >= 5 && Enumerable.Range(0, i).Count(j => raw[j] == raw[i]) < 3).ToArray();
        CollectionAssert.AreEqual(expected, Enumerable.Range(0, 15).Select(view.SourceIndex).ToArray());
        for (int i = 0; i < view.Count; i++)
        {
            Assert.AreEqual(raw[view.SourceIndex(i)] - 5, view.GetLabel(i), $"image {i}");
            Assert.AreEqual(FirstPixel(test, view.SourceIndex(i)), FirstPixel(view, i));
        }
        CollectionAssert.AreEqual(new[] { 3, 3, 3, 3, 3 }, view.CountPerClass.ToArray());
        Assert.AreEqual(3, view.PerClass);
    }

    [TestMethod]
    public void AClassWithFewerImagesThanTheCapKeepsThemAll()
    {
        var view = new ClassSubset(Six(), [1, 2], perClass: 5);
        CollectionAssert.AreEqual(new[] { 2, 2 }, view.CountPerClass.ToArray());
        Assert.AreEqual(4, view.Count);
    }

    [TestMethod]
    public void WrongArgumentsAreRefusedNamingTheClass()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => new ClassSubset(Six(), [0, 3]));
        StringAssert.Contains(e.Message, "Class 3 is not one of the dataset's 3 classes");
        e = Assert.ThrowsExactly<ArgumentException>(() => new ClassSubset(Six(), [1, 0, 1]));
        StringAssert.Contains(e.Message, "Class 1 (1) is listed twice");
        Assert.ThrowsExactly<ArgumentException>(() => new ClassSubset(Six(), []));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new ClassSubset(Six(), [0], perClass: 0));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new ClassSubset(Six(), [0]).GetLabel(2));
    }

    [TestMethod]
    public void TrainingDataWithClassesRestrictsEverySplit()
    {
        var data = TrainingData.Open(DataFiles.FashionMnist, 32, channels: 1, trainLimit: 2000, evalLimit: 1000);

        var target = data.WithClasses([5, 6, 7, 8, 9], trainPerClass: 10, validationPerClass: 4);

        Assert.AreEqual("fashion-mnist-classes-5-6-7-8-9", target.Name);
        Assert.AreEqual(50, target.Train.Count);
        Assert.AreEqual(20, target.Validation.Count);
        Assert.IsNotNull(target.Test);
        var test = (ClassSubset)target.Test;
        Assert.IsNull(test.PerClass);
        Assert.AreEqual(Enumerable.Range(0, data.Test!.Count).Count(i => data.Test.GetLabel(i) >= 5), test.Count, "every test image of classes 5–9");
        foreach (var split in new[] { target.Train, target.Validation, target.Test })
        {
            CollectionAssert.AreEqual(new[] { "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot" }, split.ClassNames.ToArray());
            Assert.IsTrue(Enumerable.Range(0, split.Count).All(i => split.GetLabel(i) is >= 0 and < 5));
        }
        // Validation stays the held-out rows: its first image is the first of classes 5–9 after row 55,000.
        var raw = IdxFile.Read(Path.Combine(DataFiles.FashionMnist, "train-labels-idx1-ubyte.gz")).Data;
        int first = Enumerable.Range(55_000, 5_000).First(i => raw[i] >= 5);
        Assert.AreEqual(raw[first] - 5, target.Validation.GetLabel(0));
        Assert.AreEqual(first - 55_000, ((ClassSubset)target.Validation).SourceIndex(0));
    }
}
