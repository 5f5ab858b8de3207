using AlexNet.MLNet.Serving;
using AlexNet.MLNet.Tests.Imaging;
using AlexNet.MLNet.Tests.Support;
using AlexNet.Onnx.Export;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace AlexNet.MLNet.Tests.Reliability;

/// <summary>
/// ML.NET's <c>PredictionEngine.Dispose</c> disposes the transformer it was created over (PredictionEngineOptions.OwnsTransformer
/// defaults to true), and every engine over one transformer shares its ONNX Runtime session. These tests hold what
/// AlexNet.MLNet guarantees on top of that: disposing one engine never breaks another engine, a later engine or
/// <c>Transform</c> (docs/MLNET.md, "Disposing engines").
/// </summary>
[TestClass]
public sealed class EngineDisposalTests
{
    private static readonly string[] Paths = [.. Pipelines.Photos.Select(TestPhotos.Path)];

    private static float[][] Scores(PredictionEngine<PathRow, Prediction> engine) =>
        [.. Paths.Select(p => engine.Predict(new PathRow { ImagePath = p }).Score)];

    private static float[][] Scores(MLContext ml, ITransformer model) =>
        [.. Pipelines.Rows<Prediction>(ml, model.Transform(Pipelines.PhotoPaths(ml))).Select(r => r.Score)];

    private static void AssertSameScores(float[][] expected, float[][] actual)
    {
        Assert.HasCount(expected.Length, actual);
        for (int i = 0; i < expected.Length; i++) CollectionAssert.AreEqual(expected[i], actual[i], Pipelines.Photos[i]);
    }

    /// <summary>The estimator over the path column, fitted: an <see cref="AlexNetTransformer"/> itself.</summary>
    private static (MLContext Ml, ITransformer Model) FitAlexNet()
    {
        var ml = new MLContext(seed: 1);
        return (ml, Pipelines.ClassifyPaths(ml, TestModels.Rgb).Fit(Pipelines.PhotoPaths(ml)));
    }

    private static string[] ServingGraphFiles() => Directory.GetFiles(Path.GetTempPath(), "alexnet-serving-*.onnx");

    [TestMethod]
    [DoNotParallelize] // counts files other tests create too
    public void DisposingTheTransformerDeletesTheServingGraphsTempFile()
    {
        var before = ServingGraphFiles();
        var ml = new MLContext(seed: 1);
        var model = Pipelines.ClassifyPaths(ml, TestModels.Rgb).Fit(Pipelines.PhotoPaths(ml));
        var created = ServingGraphFiles().Except(before).ToArray();
        Assert.HasCount(1, created, "the graph ApplyOnnxModel reads lives in a file as long as the model");
        Assert.IsGreaterThan(1_000_000L, new FileInfo(created[0]).Length, "the serving graph holds the network's weights");

        ((IDisposable)model).Dispose();

        Assert.IsFalse(File.Exists(created[0]));
    }

    [TestMethod]
    public void MlNetWritesNoTempFileOfItsOwnForTheServingGraph()
    {
        using var folder = new TempFolder();
        var ml = new MLContext(seed: 1) { TempFilePath = folder.Path };
        using var model = (AlexNetTransformer)Pipelines.ClassifyPaths(ml, TestModels.Rgb).Fit(Pipelines.PhotoPaths(ml));
        // ApplyOnnxModel(Stream) would copy the graph here and never delete it (ML.NET 5.0), even after Dispose.
        Assert.HasCount(0, Directory.GetFiles(folder.Path));
    }

    [TestMethod]
    public void DisposingOneEngineLeavesAnotherEngineScoringIdentically()
    {
        var (ml, model) = FitAlexNet();
        var a = ml.Model.CreatePredictionEngine<PathRow, Prediction>(model);
        using var b = ml.Model.CreatePredictionEngine<PathRow, Prediction>(model);
        var expected = Scores(a);
        AssertSameScores(expected, Scores(b));

        a.Dispose();

        AssertSameScores(expected, Scores(b));
    }

    [TestMethod]
    public void AnEngineCreatedAfterAnotherWasDisposedScoresIdentically()
    {
        var (ml, model) = FitAlexNet();
        float[][] expected;
        using (var a = ml.Model.CreatePredictionEngine<PathRow, Prediction>(model)) expected = Scores(a);

        using var c = ml.Model.CreatePredictionEngine<PathRow, Prediction>(model);
        AssertSameScores(expected, Scores(c));
    }

    [TestMethod]
    public void TransformAfterAnEngineWasDisposedScoresIdentically()
    {
        var (ml, model) = FitAlexNet();
        var expected = Scores(ml, model);
        using (var a = ml.Model.CreatePredictionEngine<PathRow, Prediction>(model)) Scores(a);

        AssertSameScores(expected, Scores(ml, model));
    }

    [TestMethod]
    public void DisposingOneEngineOverAPipelineEndingInTheClassifierLeavesAnotherScoringIdentically()
    {
        // LoadImages → ClassifyImagesWithAlexNet: ML.NET's TransformerChain forwards the engine's Dispose to every transform in it.
        var ml = new MLContext(seed: 1);
        var model = Pipelines.Classify(ml, TestModels.Rgb).Fit(Pipelines.PhotoPaths(ml));
        var a = ml.Model.CreatePredictionEngine<PathRow, Prediction>(model);
        using var b = ml.Model.CreatePredictionEngine<PathRow, Prediction>(model);
        var expected = Scores(a);

        a.Dispose();

        AssertSameScores(expected, Scores(b));
        AssertSameScores(expected, Scores(ml, model));
    }

    [TestMethod]
    public void APoolOpenedAfterADisposedEngineScoresIdentically()
    {
        // The shape that aborted the test host in the reliability run: a reference engine in a using block, then the pool.
        // (Sixteen threads through the pool are PoolSoakTests' case; here one thread is enough to reach the session.)
        var (ml, model) = FitAlexNet();
        float[][] expected;
        using (var reference = ml.Model.CreatePredictionEngine<PathRow, Prediction>(model)) expected = Scores(reference);
        using var pool = new PooledPredictionEngine<PathRow, Prediction>(ml, model);

        AssertSameScores(expected, [.. Paths.Select(p => pool.Predict(new PathRow { ImagePath = p }).Score)]);
    }

    [TestMethod]
    public void DisposingAnEngineTakenFromThePoolLeavesThePoolScoringIdentically()
    {
        // Over a loaded model (built-in transforms only), so this holds for the pool's own engines, not the classifier's leases.
        using var folder = new TempFolder();
        var (ml, fitted) = FitAlexNet();
        ml.Model.Save(fitted, Pipelines.PhotoPaths(ml).Schema, folder.File("model.zip"));
        var loaded = ml.Model.Load(folder.File("model.zip"), out _);
        var pool = new PooledPredictionEngine<PathRow, Prediction>(ml, loaded);
        var expected = Paths.Select(p => pool.Predict(new PathRow { ImagePath = p }).Score).ToArray();

        pool.GetPredictionEngine().Dispose();

        AssertSameScores(expected, [.. Paths.Select(p => pool.Predict(new PathRow { ImagePath = p }).Score)]);
        AssertSameScores(expected, Scores(ml, loaded));
    }

    [TestMethod]
    public void ATransformerDisposedWhileAnEngineIsLiveKeepsServingThatEngine()
    {
        var (ml, model) = FitAlexNet();
        using var engine = ml.Model.CreatePredictionEngine<PathRow, Prediction>(model);
        var expected = Scores(engine);

        ((IDisposable)model).Dispose();

        AssertSameScores(expected, Scores(engine));
    }

    [TestMethod]
    public void ATransformerDisposedByItsOwnerAndItsOnlyEngineRefusesNewEnginesWithObjectDisposedException()
    {
        var (ml, model) = FitAlexNet();
        var engine = ml.Model.CreatePredictionEngine<PathRow, Prediction>(model);
        Scores(engine);
        engine.Dispose();
        ((IDisposable)model).Dispose();

        var e = Assert.ThrowsExactly<ObjectDisposedException>(() => ml.Model.CreatePredictionEngine<PathRow, Prediction>(model));
        Assert.AreEqual(nameof(AlexNetTransformer), e.ObjectName);
        Assert.ThrowsExactly<ObjectDisposedException>(() => model.Transform(Pipelines.PhotoPaths(ml)));
    }

    [TestMethod]
    public void DisposingOneOfTwoTransformersFittedFromOneEstimatorLeavesTheOtherScoringIdentically()
    {
        // Both fits share the estimator's ONNX Runtime session and serving graph file.
        var ml = new MLContext(seed: 1);
        var estimator = Pipelines.ClassifyPaths(ml, TestModels.Rgb);
        var first = (AlexNetTransformer)estimator.Fit(Pipelines.PhotoPaths(ml));
        using var second = (AlexNetTransformer)estimator.Fit(Pipelines.PhotoPaths(ml));
        var expected = Scores(ml, second);

        first.Dispose();

        AssertSameScores(expected, Scores(ml, second));
        AssertSameScores(expected, Scores(ml, second.Chain));
        using var engine = ml.Model.CreatePredictionEngine<PathRow, Prediction>(second);
        AssertSameScores(expected, Scores(engine));
    }

    [TestMethod]
    [DoNotParallelize] // counts files other tests create too
    public void TheSharedSessionGoesWithTheLastTransformerAndALaterFitOpensANewOne()
    {
        var before = ServingGraphFiles();
        var ml = new MLContext(seed: 1);
        var estimator = Pipelines.ClassifyPaths(ml, TestModels.Rgb);
        var first = (AlexNetTransformer)estimator.Fit(Pipelines.PhotoPaths(ml));
        var second = (AlexNetTransformer)estimator.Fit(Pipelines.PhotoPaths(ml));
        var shared = ServingGraphFiles().Except(before).ToArray();
        Assert.HasCount(1, shared, "one graph file for both fits");
        var expected = Scores(ml, first);

        first.Dispose();
        Assert.IsTrue(File.Exists(shared[0]), "the second transformer still holds it");
        second.Dispose();
        Assert.IsFalse(File.Exists(shared[0]), "released with the last transformer");

        using var third = (AlexNetTransformer)estimator.Fit(Pipelines.PhotoPaths(ml));
        AssertSameScores(expected, Scores(ml, third));
    }

    // ML.NET's own behaviour, without AlexNet.MLNet: the stock route over the plain exported model.

    private static (MLContext Ml, ITransformer Model) FitStock()
    {
        var ml = new MLContext(seed: 1);
        var pipeline = ml.Transforms.LoadImages("Image", imageFolder: null, nameof(PathRow.ImagePath))
            .Append(ml.Transforms.ResizeImages("Resized", 28, 28, "Image", ImageResizingEstimator.ResizingKind.IsoCrop, ImageResizingEstimator.Anchor.Center))
            .Append(ml.Transforms.ExtractPixels(AlexNetOnnxNames.Input, "Resized", interleavePixelColors: false))
            .Append(ml.Transforms.ApplyOnnxModel([AlexNetOnnxNames.Probabilities], [AlexNetOnnxNames.Input], TestModels.Rgb));
        return (ml, pipeline.Fit(Pipelines.PhotoPaths(ml)));
    }

    private static float[][] StockScores(PredictionEngine<PathRow, StockPrediction> engine) =>
        [.. Paths.Select(p => engine.Predict(new PathRow { ImagePath = p }).Probabilities)];

    [TestMethod]
    public void StockOnnxEngineDisposedWithDefaultOptionsReleasesTheSessionItsSiblingUses()
    {
        var (ml, model) = FitStock();
        var a = ml.Model.CreatePredictionEngine<PathRow, StockPrediction>(model);
        var b = ml.Model.CreatePredictionEngine<PathRow, StockPrediction>(model);
        AssertSameScores(StockScores(a), StockScores(b));

        a.Dispose();

        Assert.ThrowsExactly<NullReferenceException>(() => StockScores(b));
    }

    [TestMethod]
    public void StockOnnxEngineThatDoesNotOwnTheTransformerLeavesItsSiblingScoring()
    {
        var (ml, model) = FitStock();
        var a = ml.Model.CreatePredictionEngine<PathRow, StockPrediction>(model, new PredictionEngineOptions { OwnsTransformer = false });
        using var b = ml.Model.CreatePredictionEngine<PathRow, StockPrediction>(model);
        var expected = StockScores(a);

        a.Dispose();

        AssertSameScores(expected, StockScores(b));
    }

    public sealed class StockPrediction
    {
        [ColumnName(AlexNetOnnxNames.Probabilities)]
        public float[] Probabilities { get; set; } = [];
    }
}
