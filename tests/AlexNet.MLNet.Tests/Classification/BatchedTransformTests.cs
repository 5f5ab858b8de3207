using AlexNet.MLNet.Tests.Support;
using AlexNet.Onnx.Imaging;
using AlexNet.Onnx.Serving;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace AlexNet.MLNet.Tests.Classification;

/// <summary>
/// <c>AlexNetTransformer.Transform</c> scores <see cref="AlexNetOptions.BatchSize"/> images per ONNX Runtime run; a
/// prediction engine and a reloaded zip go one row per run through ML.NET's own ONNX step. Both give the same columns
/// and the same numbers to the last bit, as docs/MLNET.md says they were measured ("equal to the last bit": ten-crop,
/// centre crop and whole image, features too, a partial last batch, in-memory images). Seven rows in batches of three:
/// two full batches and one of one.
/// </summary>
[TestClass]
public sealed class BatchedTransformTests
{
    private static readonly string[] Seven = ["astronaut.png", "chelsea.png", "coffee.png", "rocket.jpg", "coffee.png", "astronaut.png", "rocket.jpg"];

    private static IDataView SevenPhotos(MLContext ml) => Pipelines.Paths(ml, Seven.Select(TestPhotos.Path));

    [TestMethod]
    [DataRow(CropMode.TenCrop)]
    [DataRow(CropMode.CentreCrop)]
    [DataRow(CropMode.WholeImage)]
    public void BatchedScoresAndFeaturesEqualAPredictionEnginesRowByRow(CropMode mode)
    {
        var ml = new MLContext(seed: 1);
        var options = new AlexNetOptions { CropMode = mode, EmitFeatures = true, BatchSize = 3 };
        using var model = ml.Transforms.ClassifyImagesWithAlexNet(TestModels.Rgb, nameof(PathRow.ImagePath), options).Fit(SevenPhotos(ml));

        var batched = Pipelines.Rows<PredictionWithFeatures>(ml, model.Transform(SevenPhotos(ml)));
        using var engine = ml.Model.CreatePredictionEngine<PathRow, PredictionWithFeatures>(model);
        var rowByRow = Seven.Select(p => engine.Predict(new PathRow { ImagePath = TestPhotos.Path(p) })).ToList();

        Assert.HasCount(7, batched);
        for (int i = 0; i < 7; i++)
        {
            CollectionAssert.AreEqual(rowByRow[i].Score, batched[i].Score, $"row {i} score");
            CollectionAssert.AreEqual(rowByRow[i].Features, batched[i].Features, $"row {i} features");
            Assert.AreEqual(rowByRow[i].PredictedLabel, batched[i].PredictedLabel, $"row {i} label");
        }
    }

    [TestMethod]
    public void BatchedScoresOfInMemoryImagesEqualTheRowByRowChain()
    {
        var ml = new MLContext(seed: 1);
        var images = Seven.Select(p => new Images.ImageInput { Image = MLImage.CreateFromFile(TestPhotos.Path(p)) }).ToArray();
        try
        {
            var data = ml.Data.LoadFromEnumerable(images, Images.ImageInput.Schema());
            using var model = ml.Transforms.ClassifyImagesWithAlexNet(TestModels.Rgb, "Image", new AlexNetOptions { BatchSize = 4 }).Fit(data);
            var batched = Pipelines.Rows<Prediction>(ml, model.Transform(data));
            var rowByRow = Pipelines.Rows<Prediction>(ml, model.Chain.Transform(data));
            for (int i = 0; i < 7; i++)
                CollectionAssert.AreEqual(rowByRow[i].Score, batched[i].Score, $"row {i}");
        }
        finally
        {
            foreach (var row in images) row.Image?.Dispose();
        }
    }

    [TestMethod]
    public void ALoadedZipScoresRowByRowAsTheBatchedTransformDid()
    {
        using var folder = new TempFolder();
        var ml = new MLContext(seed: 1);
        using var model = ml.Transforms.ClassifyImagesWithAlexNet(TestModels.Rgb, nameof(PathRow.ImagePath), new AlexNetOptions { BatchSize = 3 }).Fit(SevenPhotos(ml));
        var batched = Pipelines.Rows<Prediction>(ml, model.Transform(SevenPhotos(ml)));
        ml.Model.Save(model, SevenPhotos(ml).Schema, folder.File("model.zip"));

        var fresh = new MLContext();
        var loaded = Pipelines.Rows<Prediction>(fresh, fresh.Model.Load(folder.File("model.zip"), out _).Transform(SevenPhotos(fresh)));

        for (int i = 0; i < 7; i++)
        {
            CollectionAssert.AreEqual(loaded[i].Score, batched[i].Score, $"row {i}");
            Assert.AreEqual(loaded[i].PredictedLabel, batched[i].PredictedLabel);
        }
    }

    [TestMethod]
    public void TheBatchedViewHasTheChainsSchemaWithItsAnnotations()
    {
        var ml = new MLContext(seed: 1);
        using var model = ml.Transforms.ClassifyImagesWithAlexNet(TestModels.Rgb, nameof(PathRow.ImagePath), new AlexNetOptions { EmitFeatures = true }).Fit(SevenPhotos(ml));
        var batched = model.Transform(SevenPhotos(ml)).Schema;
        var chain = model.Chain.Transform(SevenPhotos(ml)).Schema;

        CollectionAssert.AreEqual(chain.Select(c => (c.Name, c.Type)).ToArray(), batched.Select(c => (c.Name, c.Type)).ToArray());
        var names = default(VBuffer<ReadOnlyMemory<char>>);
        batched["Score"].GetSlotNames(ref names);
        CollectionAssert.AreEqual(new[] { "astronaut", "cat", "coffee", "rocket" }, names.DenseValues().Select(n => n.ToString()).ToArray());
    }

    [TestMethod]
    public void AnUnreadableImageFailsTheFirstReadOfItsBatchNamingTheFile()
    {
        // Rows 0–4 are fine and row 5 is truncated: the first read fills the batch of eight, so it fails before row 0
        // is handed out. (The price of reading ahead, stated in docs/MLNET.md.)
        var ml = new MLContext(seed: 1);
        var paths = new[] { "astronaut.png", "chelsea.png", "coffee.png", "rocket.jpg", "coffee.png", "truncated.jpg", "coffee.png", "rocket.jpg" };
        var data = Pipelines.Paths(ml, paths.Select(TestPhotos.Path));
        using var model = ml.Transforms.ClassifyImagesWithAlexNet(TestModels.Rgb, nameof(PathRow.ImagePath), new AlexNetOptions { BatchSize = 8 }).Fit(data);

        Assert.AreEqual(0, RowsReadBeforeTheError(model.Transform(data)));
    }

    [TestMethod]
    public void AShuffledReadGoesRowByRowWithTheSameScores()
    {
        var ml = new MLContext(seed: 1);
        using var model = ml.Transforms.ClassifyImagesWithAlexNet(TestModels.Rgb, nameof(PathRow.ImagePath), new AlexNetOptions { BatchSize = 3 }).Fit(SevenPhotos(ml));
        var output = model.Transform(SevenPhotos(ml));
        var byPath = Pipelines.Rows<Prediction>(ml, output).Zip(Seven).GroupBy(x => x.Second).ToDictionary(g => g.Key, g => g.First().First.Score);

        using var cursor = output.GetRowCursor([output.Schema["ImagePath"], output.Schema["Score"]], new Random(3));
        var path = cursor.GetGetter<ReadOnlyMemory<char>>(output.Schema["ImagePath"]);
        var score = cursor.GetGetter<VBuffer<float>>(output.Schema["Score"]);
        int rows = 0;
        ReadOnlyMemory<char> p = default;
        VBuffer<float> s = default;
        while (cursor.MoveNext())
        {
            path(ref p);
            score(ref s);
            CollectionAssert.AreEqual(byPath[Path.GetFileName(p.ToString())], s.DenseValues().ToArray(), p.ToString());
            rows++;
        }
        Assert.AreEqual(7, rows);
    }

    [TestMethod]
    public void OneThreadPerRunScoresAsOnnxRuntimesDefaultThreadsDoOnBothRoutes()
    {
        var ml = new MLContext(seed: 1);
        using var byDefault = ml.Transforms.ClassifyImagesWithAlexNet(TestModels.Rgb, nameof(PathRow.ImagePath), new AlexNetOptions { BatchSize = 3 }).Fit(SevenPhotos(ml));
        using var single = ml.Transforms.ClassifyImagesWithAlexNet(TestModels.Rgb, nameof(PathRow.ImagePath),
            new AlexNetOptions { BatchSize = 3, IntraOpThreads = 1 }).Fit(SevenPhotos(ml));

        var expected = Pipelines.Rows<Prediction>(ml, byDefault.Transform(SevenPhotos(ml)));
        var batched = Pipelines.Rows<Prediction>(ml, single.Transform(SevenPhotos(ml)));
        var rowByRow = Pipelines.Rows<Prediction>(ml, single.Chain.Transform(SevenPhotos(ml)));

        for (int i = 0; i < 7; i++)
            for (int k = 0; k < expected[i].Score.Length; k++)
            {
                Assert.AreEqual(expected[i].Score[k], batched[i].Score[k], 1e-5, $"row {i}, class {k}, batched");
                Assert.AreEqual(expected[i].Score[k], rowByRow[i].Score[k], 1e-5, $"row {i}, class {k}, row by row");
            }
    }

    [TestMethod]
    public void ANegativeThreadCountIsRefusedSayingWhatIntraOpThreadsTakes()
    {
        var ml = new MLContext(seed: 1);
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            ml.Transforms.ClassifyImagesWithAlexNet(TestModels.Rgb, nameof(PathRow.ImagePath), new AlexNetOptions { IntraOpThreads = -1 }));
        StringAssert.Contains(e.Message, "AlexNetOptions.IntraOpThreads is the number of threads per ONNX Runtime run: 0 (ONNX Runtime chooses) or more.");
    }

    private static int RowsReadBeforeTheError(IDataView output)
    {
        var column = output.Schema["Score"];
        using var cursor = output.GetRowCursor([column]);
        var score = cursor.GetGetter<VBuffer<float>>(column);
        VBuffer<float> value = default;
        int read = 0;
        try
        {
            while (cursor.MoveNext())
            {
                score(ref value);
                read++;
            }
        }
        catch (Exception e) when (Find<ImageDecodeException>(e) is { } decode)
        {
            StringAssert.Contains(decode.Message, "truncated.jpg");
            return read;
        }
        Assert.Fail("no error for the truncated file");
        return -1;
    }

    private static T? Find<T>(Exception e) where T : Exception
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
            if (x is T found) return found;
        return null;
    }
}
