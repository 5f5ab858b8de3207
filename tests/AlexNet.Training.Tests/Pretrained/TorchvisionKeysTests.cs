using AlexNet.Training.Pretrained;

namespace AlexNet.Training.Tests.Pretrained;

[TestClass]
public sealed class TorchvisionKeysTests
{
    [TestMethod]
    public void EveryTorchvisionLayerMapsToOneOfOursAndBack()
    {
        string[] torchvision = ["features.0", "features.3", "features.6", "features.8", "features.10", "classifier.1", "classifier.4", "classifier.6"];
        string[] ours = ["towers.0.conv1", "towers.0.conv2", "towers.0.conv3", "towers.0.conv4", "towers.0.conv5", "towers.0.fc6", "towers.0.fc7", "fc8"];
        foreach (var (tv, us) in torchvision.Zip(ours))
            foreach (var suffix in new[] { ".weight", ".bias" })
            {
                Assert.AreEqual(us + suffix, TorchvisionKeys.ToOurs(tv + suffix));
                Assert.AreEqual(tv + suffix, TorchvisionKeys.ToTorchvision(us + suffix));
            }
        Assert.IsNull(TorchvisionKeys.ToOurs("features.1.weight"), "ReLU has no weights");
        Assert.IsNull(TorchvisionKeys.ToTorchvision("towers.1.conv1.weight"), "torchvision's AlexNet has one tower");
    }

    [TestMethod]
    public void NamesApplyOnlyWhenTheyLookLikeTorchvisions()
    {
        Assert.IsTrue(TorchvisionKeys.Apply(["features.0.weight", "classifier.6.bias"]));
        Assert.IsFalse(TorchvisionKeys.Apply(["towers.0.conv1.weight", "fc8.bias"]));
    }
}
