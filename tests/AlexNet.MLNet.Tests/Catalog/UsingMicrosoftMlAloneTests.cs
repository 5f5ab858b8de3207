using Microsoft.ML;

// Outside the AlexNet.MLNet namespace on purpose: this file compiles only if `using Microsoft.ML;` alone brings
// ClassifyImagesWithAlexNet into view, as ML.NET's own catalog extensions (ApplyOnnxModel, LoadImages) are.
namespace CatalogUser;

[TestClass]
public sealed class UsingMicrosoftMlAloneTests
{
    [TestMethod]
    public void ClassifyImagesWithAlexNetIsFoundWithUsingMicrosoftMlAlone()
    {
        var ml = new MLContext();
        var estimator = ml.Transforms.ClassifyImagesWithAlexNet(AlexNet.MLNet.Tests.Support.TestModels.Rgb, "ImagePath");
        Assert.HasCount(4, estimator.Labels);
        Assert.AreEqual("Microsoft.ML", typeof(AlexNetCatalog).Namespace);
    }
}
