using AlexNet.MLNet.Serving;
using AlexNet.MLNet.Tests.Imaging;
using AlexNet.MLNet.Tests.Support;
using Microsoft.ML;

namespace AlexNet.MLNet.Tests.Classification;

/// <summary>One-at-a-time predictions, as a console app or a web app makes them.</summary>
[TestClass]
public sealed class PredictionEngineTests
{
    private static (MLContext Ml, ITransformer Model, Dictionary<string, float[]> Expected) Fitted()
    {
        var ml = new MLContext(seed: 1);
        var data = Pipelines.PhotoPaths(ml);
        var model = Pipelines.Classify(ml, TestModels.Rgb).Fit(data);
        var rows = Pipelines.Rows<Prediction>(ml, model.Transform(data));
        var expected = Pipelines.Photos.Select((p, i) => (p, rows[i].Score)).ToDictionary(x => TestPhotos.Path(x.p), x => x.Score);
        return (ml, model, expected);
    }

    [TestMethod]
    public void PredictionEngineClassifiesOnePhotoLikeTheBatchTransform()
    {
        var (ml, model, expected) = Fitted();
        using var engine = ml.Model.CreatePredictionEngine<PathRow, Prediction>(model);
        var path = TestPhotos.Path("chelsea.png");
        var prediction = engine.Predict(new PathRow { ImagePath = path });
        CollectionAssert.AreEqual(expected[path], prediction.Score);
        var (independent, _) = IndependentScores.TenCrop(TestModels.Rgb, path);
        Assert.IsLessThanOrEqualTo(IndependentScores.TenCropTolerance, IndependentScores.MaxAbsDiff(independent, prediction.Score));
        Assert.AreEqual((uint)Array.IndexOf(prediction.Score, prediction.Score.Max()) + 1, prediction.PredictedLabel, "key k is Score's slot k − 1");
    }

    [TestMethod]
    public void SixtyFourThreadsThroughAPoolOfEightKeepEightEnginesAndDisposeTheRest()
    {
        var (ml, model, expected) = Fitted();
        var paths = expected.Keys.ToArray();
        var pool = new PooledPredictionEngine<PathRow, Prediction>(ml, model, capacity: 8);
        var wrong = new System.Collections.Concurrent.ConcurrentBag<string>();
        // Every thread holds its engine until all 64 hold one: 64 are created, whatever the scheduling.
        using var holding = new Barrier(64);
        var threads = Enumerable.Range(0, 64).Select(t => new Thread(() =>
        {
            var engine = pool.GetPredictionEngine();
            holding.SignalAndWait();
            var path = paths[t % paths.Length];
            // Bit for bit: each engine runs the same session on its own buffers (docs/RELIABILITY.md: "all bit-equal").
            if (!engine.Predict(new PathRow { ImagePath = path }).Score.SequenceEqual(expected[path])) wrong.Add($"thread {t}");
            pool.ReturnPredictionEngine(engine);
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        Assert.IsEmpty(wrong, string.Join("; ", wrong));
        Assert.AreEqual(64, pool.Created);
        Assert.AreEqual(56, pool.Disposed, "returned while eight were idle");
        pool.Predict(new PathRow { ImagePath = paths[0] });
        Assert.AreEqual(64, pool.Created, "an idle engine is reused");

        pool.Dispose();

        Assert.AreEqual(64, pool.Disposed, "the idle eight go with the pool");
        Assert.ThrowsExactly<ObjectDisposedException>(() => pool.GetPredictionEngine());
        using var after = ml.Model.CreatePredictionEngine<PathRow, Prediction>(model);
        CollectionAssert.AreEqual(expected[paths[0]], after.Predict(new PathRow { ImagePath = paths[0] }).Score, "the pool never disposes the model");
    }
}
