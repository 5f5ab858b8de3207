using AlexNet.Reliability.Tests.Support;
using AlexNet.Training.Data;

namespace AlexNet.Reliability.Tests.Hostile;

/// <summary>A training folder seeded with every bad image: each one skipped, counted and listed with its reason.</summary>
[TestClass]
public sealed class ImageFolderTests
{
    [TestMethod]
    public void ImageFolderSkipsAndListsEveryHostileImageAndKeepsTheGoodOnes()
    {
        using var root = new TempFolder();
        var a = Directory.CreateDirectory(Path.Combine(root.Path, "a")).FullName;
        var b = Directory.CreateDirectory(Path.Combine(root.Path, "b")).FullName;
        File.Copy(TestPhotos.Path("chelsea.png"), Path.Combine(a, "good.png"));
        File.Copy(TestPhotos.Path("rocket.jpg"), Path.Combine(b, "good.jpg"));
        var bad = HostileImages.All().Where(f => f.Expected is not null).ToList();
        var badPaths = bad.Select(f => f.WriteTo(a)).Order(StringComparer.Ordinal).ToArray();

        var dataset = Within.Seconds(60, () => ImageFolderDataset.Open(root.Path, new ImageFolderOptions { Size = 32 }), "opening the folder");

        Assert.AreEqual(2, dataset.Count);
        CollectionAssert.AreEqual(badPaths, dataset.Skipped.Select(s => s.Path).ToArray());
        foreach (var (skip, file) in dataset.Skipped.Zip(bad.OrderBy(f => Path.Combine(a, f.Name), StringComparer.Ordinal)))
            StringAssert.Contains(skip.Reason, file.Expected!, skip.Path);
    }
}
