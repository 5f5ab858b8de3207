using AlexNet.MLNet.Tests.Imaging;
using AlexNet.MLNet.Tests.Support;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace AlexNet.MLNet.Tests.Classification;

/// <summary>mlContext.Model.Save/Load round-trips the whole pipeline with the ONNX bytes inside the zip.</summary>
[TestClass]
public sealed class SaveLoadTests
{
    [TestMethod]
    public void LoadedPipelinePredictsIdenticallyWithTheModelFileDeleted()
    {
        using var folder = new TempFolder();
        string modelCopy = folder.File("model.onnx"), zip = folder.File("pipeline.zip");
        File.Copy(TestModels.Rgb, modelCopy);

        var ml = new MLContext(seed: 1);
        var data = Pipelines.PhotoPaths(ml);
        var fitted = Pipelines.Classify(ml, modelCopy, new AlexNetOptions { EmitFeatures = true }).Fit(data);
        var before = Pipelines.Rows<PredictionWithFeatures>(ml, fitted.Transform(data));
        ml.Model.Save(fitted, data.Schema, zip);
        (fitted as IDisposable)?.Dispose();
        File.Delete(modelCopy);
        Assert.AreEqual(1, Directory.GetFiles(folder.Path).Length, "only the zip is left");

        var fresh = new MLContext(seed: 2);
        var loaded = fresh.Model.Load(zip, out var schema);
        var after = Pipelines.Rows<PredictionWithFeatures>(fresh, loaded.Transform(Pipelines.PhotoPaths(fresh)));
        Assert.HasCount(4, after);
        for (int i = 0; i < before.Count; i++)
        {
            CollectionAssert.AreEqual(before[i].Score, after[i].Score);
            CollectionAssert.AreEqual(before[i].Features, after[i].Features);
            Assert.AreEqual(before[i].PredictedLabel, after[i].PredictedLabel);
        }
        Assert.AreEqual("ImagePath", schema[0].Name);
    }

    [TestMethod]
    public void SlotNamesSurviveSaveAndLoad()
    {
        using var folder = new TempFolder();
        var ml = new MLContext(seed: 1);
        var data = Pipelines.PhotoPaths(ml);
        var fitted = Pipelines.Classify(ml, TestModels.Rgb).Fit(data);
        ml.Model.Save(fitted, data.Schema, folder.File("pipeline.zip"));

        var loaded = new MLContext().Model.Load(folder.File("pipeline.zip"), out _);
        var names = default(VBuffer<ReadOnlyMemory<char>>);
        loaded.GetOutputSchema(data.Schema)["Score"].GetSlotNames(ref names);
        CollectionAssert.AreEqual(new[] { "astronaut", "cat", "coffee", "rocket" }, names.DenseValues().Select(n => n.ToString()).ToArray());
    }

    [TestMethod]
    public void TransformerSavedOnItsOwnLoadsAsAChainOverMLImages()
    {
        using var folder = new TempFolder();
        var ml = new MLContext(seed: 1);
        var images = ml.Transforms.LoadImages("Image", null, nameof(PathRow.ImagePath)).Fit(Pipelines.PhotoPaths(ml)).Transform(Pipelines.PhotoPaths(ml));
        using var transformer = ml.Transforms.ClassifyImagesWithAlexNet(TestModels.Rgb).Fit(images);
        var before = Pipelines.Rows<Prediction>(ml, transformer.Transform(images));
        ml.Model.Save(transformer, images.Schema, folder.File("alexnet.zip"));

        var loaded = ml.Model.Load(folder.File("alexnet.zip"), out _);
        Assert.IsInstanceOfType<TransformerChain<ITransformer>>(loaded);
        var after = Pipelines.Rows<Prediction>(ml, loaded.Transform(images));
        for (int i = 0; i < before.Count; i++)
        {
            CollectionAssert.AreEqual(before[i].Score, after[i].Score);
            Assert.AreEqual(before[i].PredictedLabel, after[i].PredictedLabel);
        }
    }

    [TestMethod]
    public void PathRoutePipelineReloadsWithItsFileCheck()
    {
        using var folder = new TempFolder();
        var ml = new MLContext(seed: 1);
        var data = Pipelines.PhotoPaths(ml);
        var fitted = Pipelines.ClassifyPaths(ml, TestModels.Rgb).Fit(data);
        var before = Pipelines.Rows<Prediction>(ml, fitted.Transform(data));
        ml.Model.Save(fitted, data.Schema, folder.File("paths.zip"));

        var fresh = new MLContext();
        var loaded = fresh.Model.Load(folder.File("paths.zip"), out _);
        var after = Pipelines.Rows<Prediction>(fresh, loaded.Transform(Pipelines.PhotoPaths(fresh)));
        CollectionAssert.AreEqual(before[2].Score, after[2].Score);
        var broken = Pipelines.Paths(fresh, [TestPhotos.Path("truncated.jpg")]);
        var e = Assert.Throws<Exception>(() => Pipelines.Rows<Prediction>(fresh, loaded.Transform(broken)));
        for (Exception? x = e; x is not null; x = x.InnerException)
            if (x is AlexNet.Onnx.Imaging.ImageDecodeException decode) { StringAssert.Contains(decode.Message, "truncated.jpg"); return; }
        Assert.Fail($"no ImageDecodeException in {e}");
    }
}
