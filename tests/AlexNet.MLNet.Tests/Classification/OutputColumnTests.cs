using AlexNet.MLNet.Tests.Imaging;
using AlexNet.MLNet.Tests.Support;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace AlexNet.MLNet.Tests.Classification;

/// <summary>The columns the estimator adds: Score with slot names, PredictedLabel as a key over the classes, optional fc7 Features.</summary>
[TestClass]
public sealed class OutputColumnTests
{
    [TestMethod]
    public void ScoreColumnCarriesTheClassLabelsAsSlotNames()
    {
        var ml = new MLContext(seed: 1);
        var data = Pipelines.PhotoPaths(ml);
        var output = Pipelines.Classify(ml, TestModels.Rgb).Fit(data).Transform(data);
        var names = default(VBuffer<ReadOnlyMemory<char>>);
        output.Schema["Score"].GetSlotNames(ref names);
        CollectionAssert.AreEqual(new[] { "astronaut", "cat", "coffee", "rocket" }, names.DenseValues().Select(n => n.ToString()).ToArray());
        Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Single, 4), output.Schema["Score"].Type);
    }

    [TestMethod]
    public void PredictedLabelIsAKeyOverTheClassesWithTheLabelsAsKeyValuesInScoreOrder()
    {
        var ml = new MLContext(seed: 1);
        var data = Pipelines.PhotoPaths(ml);
        var output = Pipelines.Classify(ml, TestModels.Rgb).Fit(data).Transform(data);
        var column = output.Schema["PredictedLabel"];
        Assert.AreEqual(new KeyDataViewType(typeof(uint), 4), column.Type);
        var keyValues = default(VBuffer<ReadOnlyMemory<char>>);
        column.GetKeyValues(ref keyValues);
        CollectionAssert.AreEqual(new[] { "astronaut", "cat", "coffee", "rocket" }, keyValues.DenseValues().Select(v => v.ToString()).ToArray());
        var rows = Pipelines.Rows<Prediction>(ml, output);
        foreach (var row in rows)
            Assert.AreEqual((uint)Array.IndexOf(row.Score, row.Score.Max()) + 1, row.PredictedLabel, "key k is Score's slot k − 1, the highest score");
        Assert.IsGreaterThan(1, rows.Select(r => r.PredictedLabel).Distinct().Count(), "labels vary across the photos");
    }

    [TestMethod]
    public void MapKeyToValueTurnsThePredictedLabelIntoTheClassName()
    {
        var ml = new MLContext(seed: 1);
        var data = Pipelines.PhotoPaths(ml);
        var output = Pipelines.Classify(ml, TestModels.Rgb).Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel")).Fit(data).Transform(data);
        Assert.AreEqual(TextDataViewType.Instance, output.Schema["PredictedLabel"].Type);
        string[] labels = ["astronaut", "cat", "coffee", "rocket"];
        foreach (var row in Pipelines.Rows<TextPrediction>(ml, output))
            Assert.AreEqual(labels[Array.IndexOf(row.Score, row.Score.Max())], row.PredictedLabel);
    }

    public sealed class TextPrediction
    {
        public float[] Score { get; set; } = [];
        public string PredictedLabel { get; set; } = "";
    }

    [TestMethod]
    public void IntermediateColumnsAreDroppedAndInputColumnsKept()
    {
        var ml = new MLContext(seed: 1);
        var data = Pipelines.PhotoPaths(ml);
        var output = Pipelines.Classify(ml, TestModels.Rgb).Fit(data).Transform(data);
        CollectionAssert.AreEqual(new[] { "ImagePath", "Image", "Score", "PredictedLabel" }, output.Schema.Select(c => c.Name).ToArray());
    }

    [TestMethod]
    public void FeaturesAreTheFc7ActivationsAveragedOverTheTenCrops()
    {
        var ml = new MLContext(seed: 1);
        var options = new AlexNetOptions { EmitFeatures = true, ScoreColumnName = "Score", FeaturesColumnName = "Features" };
        var data = Pipelines.Paths(ml, [TestPhotos.Path("rocket.jpg")]);
        var row = Pipelines.Rows<PredictionWithFeatures>(ml, Pipelines.Classify(ml, TestModels.Rgb, options).Fit(data).Transform(data))[0];
        var (_, features) = IndependentScores.TenCrop(TestModels.Rgb, TestPhotos.Path("rocket.jpg"));
        Assert.HasCount(1024, row.Features); // small preset: 2 towers × 512
        // fc7 activations have no fixed scale (here up to 2.7), so the bound is relative to the largest one; measured 8.7e-8
        // of it (float summation order over the ten crops, as for Score).
        float largest = features.Max(Math.Abs);
        Assert.IsGreaterThan(0f, largest, "fc7 is all zero");
        Assert.IsLessThanOrEqualTo(1e-6f, IndependentScores.MaxAbsDiff(features, row.Features) / largest);
    }

    [TestMethod]
    public void OutputColumnNamesFollowTheOptions()
    {
        var ml = new MLContext(seed: 1);
        var options = new AlexNetOptions { ScoreColumnName = "Probabilities", PredictedLabelColumnName = "Class", EmitFeatures = true, FeaturesColumnName = "Fc7" };
        var data = Pipelines.PhotoPaths(ml);
        var output = Pipelines.Classify(ml, TestModels.Rgb, options).Fit(data).Transform(data);
        CollectionAssert.AreEqual(new[] { "ImagePath", "Image", "Probabilities", "Fc7", "Class" }, output.Schema.Select(c => c.Name).ToArray());
        var names = default(VBuffer<ReadOnlyMemory<char>>);
        output.Schema["Probabilities"].GetSlotNames(ref names);
        Assert.AreEqual("rocket", names.GetItemOrDefault(3).ToString());
    }

    [TestMethod]
    public void EstimatorAndTransformerExposeLabelsCropModeAndMetadata()
    {
        var ml = new MLContext(seed: 1);
        var estimator = ml.Transforms.ClassifyImagesWithAlexNet(TestModels.Rgb);
        CollectionAssert.AreEqual(new[] { "astronaut", "cat", "coffee", "rocket" }, estimator.Labels.ToArray());
        var data = ml.Transforms.LoadImages("Image", null, nameof(PathRow.ImagePath)).Fit(Pipelines.PhotoPaths(ml)).Transform(Pipelines.PhotoPaths(ml));
        using var transformer = estimator.Fit(data);
        Assert.AreEqual(AlexNet.Onnx.Imaging.CropMode.TenCrop, transformer.CropMode);
        Assert.AreEqual(32, transformer.Metadata.ResizeSize);
        Assert.AreEqual(28, transformer.Metadata.InputSize);
        Assert.AreEqual("small", transformer.Metadata.Preset);
        Assert.HasCount(4, transformer.Labels);
    }

    [TestMethod]
    public void CreatingTheEstimatorReadsTheModelFileOnce()
    {
        // Once for the checks and the serving graph alike: the file is parsed and its weights hashed a single time.
        using var folder = new TempFolder();
        var copy = folder.File("model.onnx");
        File.Copy(TestModels.Rgb, copy);
        var ml = new MLContext(seed: 1);

        int opens = FileOpens.During(copy, () => ml.Transforms.ClassifyImagesWithAlexNet(copy, "ImagePath"));

        Assert.AreEqual(1, opens);
    }
}
