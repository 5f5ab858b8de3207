using AlexNet.Onnx.Imaging;
using AlexNet.MLNet.Tests.Imaging;
using AlexNet.MLNet.Tests.Support;
using AlexNet.Onnx.Metadata;
using AlexNet.Onnx.Runtime;
using AlexNet.Onnx.Serving;
using Microsoft.ML;

namespace AlexNet.MLNet.Tests.Classification;

/// <summary>ML.NET's scores equal the paper's procedure computed independently in C# on the same photos.</summary>
[TestClass]
public sealed class CropExactnessTests
{
    [TestMethod]
    public void TenCropScoresEqualIndependentTenCropAverageOnEveryPhoto()
    {
        var ml = new MLContext(seed: 1);
        var rows = Pipelines.Rows<Prediction>(ml, Pipelines.Classify(ml, TestModels.Rgb).Fit(Pipelines.PhotoPaths(ml)).Transform(Pipelines.PhotoPaths(ml)));
        for (int i = 0; i < Pipelines.Photos.Length; i++)
        {
            var (expected, _) = IndependentScores.TenCrop(TestModels.Rgb, TestPhotos.Path(Pipelines.Photos[i]));
            Assert.IsLessThanOrEqualTo(IndependentScores.TenCropTolerance, IndependentScores.MaxAbsDiff(expected, rows[i].Score), Pipelines.Photos[i]);
            Assert.AreEqual(1f, rows[i].Score.Sum(), 1e-5f);
            // Scale: the test model's probabilities are far from uniform (top class 0.33–0.52 of 4), so a tolerance of
            // 1.2e-7 is a real bound, not one any near-uniform output would meet.
            Assert.IsGreaterThan(0.05f, rows[i].Score.Max() - rows[i].Score.Min(), $"{Pipelines.Photos[i]}: nearly uniform probabilities");
        }
        // Random weights still tell the photos apart: the test would not pass on a constant output.
        Assert.IsGreaterThan(1e-3f, IndependentScores.MaxAbsDiff(rows[0].Score, rows[1].Score));
    }

    [TestMethod]
    public void CentreCropScoresEqualIndependentCentreCrop()
    {
        var ml = new MLContext(seed: 1);
        var options = new AlexNetOptions { CropMode = CropMode.CentreCrop };
        var data = Pipelines.PhotoPaths(ml);
        var rows = Pipelines.Rows<Prediction>(ml, Pipelines.Classify(ml, TestModels.Rgb, options).Fit(data).Transform(data));
        for (int i = 0; i < Pipelines.Photos.Length; i++)
        {
            var (expected, _) = IndependentScores.CentreCrop(TestModels.Rgb, TestPhotos.Path(Pipelines.Photos[i]));
            // docs/MLNET.md: "exactly 0 for the centre crop": one window, the same network, nothing summed in another order.
            CollectionAssert.AreEqual(expected, rows[i].Score, Pipelines.Photos[i]);
        }
    }

    [TestMethod]
    public void TenCropDiffersFromCentreCrop()
    {
        var (tenCrop, _) = IndependentScores.TenCrop(TestModels.Rgb, TestPhotos.Path("chelsea.png"));
        var ml = new MLContext(seed: 1);
        var data = Pipelines.Paths(ml, [TestPhotos.Path("chelsea.png")]);
        var centre = Pipelines.Rows<Prediction>(ml, Pipelines.Classify(ml, TestModels.Rgb, new AlexNetOptions { CropMode = CropMode.CentreCrop }).Fit(data).Transform(data))[0];
        Assert.IsGreaterThan(1e-4f, IndependentScores.MaxAbsDiff(tenCrop, centre.Score));
    }

    [TestMethod]
    public void WholeImageAtCropSizeEqualsScoringTheWholePreparedImage()
    {
        // Settings that resize straight to the crop side (R = S = 28): the whole image is the network's input.
        var file = AlexNet.Onnx.ModelFile.Open(TestModels.Rgb);
        var settings = file.Metadata with { ResizeSize = 28, Mean = PixelMean.PerChannel(120f, 115f, 100f), Architecture = null };
        var ml = new MLContext(seed: 1);
        var path = TestPhotos.Path("coffee.png");
        var data = Pipelines.Paths(ml, [path]);
        var row = Pipelines.Rows<Prediction>(ml, Pipelines.Classify(ml, TestModels.Rgb,
            new AlexNetOptions { CropMode = CropMode.WholeImage, Preprocessing = settings }).Fit(data).Transform(data))[0];

        var prepared = new float[3 * 28 * 28];
        AlexNet.Onnx.Imaging.PaperPreparation.Load(path, 28, 3, prepared);
        for (int i = 0; i < prepared.Length; i++) prepared[i] -= settings.Mean.At(i / (28 * 28), 0, 0);
        using var scorer = new BatchScorer(file);
        Assert.IsLessThan(1e-4f, IndependentScores.MaxAbsDiff(scorer.Score(prepared).Probabilities, row.Score));
    }

    [TestMethod]
    public void WholeImageLargerThanCropIsResizedInsideTheGraphToOneValidDistribution()
    {
        var ml = new MLContext(seed: 1);
        var data = Pipelines.PhotoPaths(ml);
        var rows = Pipelines.Rows<Prediction>(ml, Pipelines.Classify(ml, TestModels.Rgb, new AlexNetOptions { CropMode = CropMode.WholeImage }).Fit(data).Transform(data));
        Assert.HasCount(4, rows);
        foreach (var row in rows)
        {
            Assert.HasCount(4, row.Score);
            Assert.AreEqual(1f, row.Score.Sum(), 1e-5f);
        }
        var (centre, _) = IndependentScores.CentreCrop(TestModels.Rgb, TestPhotos.Path(Pipelines.Photos[0]));
        Assert.IsGreaterThan(1e-5f, IndependentScores.MaxAbsDiff(centre, rows[0].Score), "the whole image is not the centre crop");
    }
}
