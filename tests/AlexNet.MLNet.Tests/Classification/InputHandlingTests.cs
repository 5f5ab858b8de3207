using AlexNet.MLNet.Images;
using AlexNet.MLNet.Tests.Imaging;
using AlexNet.MLNet.Tests.Support;
using AlexNet.Onnx.Imaging;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace AlexNet.MLNet.Tests.Classification;

/// <summary>
/// Inputs that cannot be classified are rejected with an error that names the image (or the column), and the in-memory
/// and path-column routes score as LoadImages does. The awkward images that are classified are in
/// <see cref="AwkwardImageTests"/>, behind the Python script that writes them.
/// </summary>
[TestClass]
public sealed class InputHandlingTests
{
    /// <summary>Scores one image file through LoadImages → the estimator, as an app writes it.</summary>
    internal static float[] MlNetScore(string path, string model)
    {
        var ml = new MLContext(seed: 1);
        var data = Pipelines.Paths(ml, [path]);
        return Pipelines.Rows<Prediction>(ml, Pipelines.Classify(ml, model).Fit(data).Transform(data))[0].Score;
    }

    private static Exception ClassifyPathFails(string path)
    {
        var ml = new MLContext(seed: 1);
        var data = Pipelines.Paths(ml, [path]);
        return Assert.Throws<Exception>(() => Pipelines.Rows<Prediction>(ml, Pipelines.ClassifyPaths(ml, TestModels.Rgb).Fit(data).Transform(data)));
    }

    [TestMethod]
    public void TruncatedJpegIsRejectedWithAnErrorNamingTheFile()
    {
        string path = TestPhotos.Path("truncated.jpg");
        var e = ClassifyPathFails(path);
        var decode = Chain(e).OfType<ImageDecodeException>().Single();
        Assert.AreEqual(path, decode.Path);
        StringAssert.Contains(decode.Message, "truncated");
    }

    [TestMethod]
    public void JpegCutInsideItsDataIsRejectedNotFilledWithGray()
    {
        using var folder = new TempFolder();
        string path = folder.File("rocket-half.jpg");
        var bytes = File.ReadAllBytes(TestPhotos.Path("rocket.jpg"));
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var decode = Chain(ClassifyPathFails(path)).OfType<ImageDecodeException>().Single();
        StringAssert.Contains(decode.Message, path);
        StringAssert.Contains(decode.Message, "truncated");
    }

    [TestMethod]
    public void TextFileIsRejectedAsNotAnImageNamingIt()
    {
        using var folder = new TempFolder();
        string path = folder.File("notes.jpg");
        File.WriteAllText(path, "not a photo");
        var decode = Chain(ClassifyPathFails(path)).OfType<ImageDecodeException>().Single();
        StringAssert.Contains(decode.Message, path);
        StringAssert.Contains(decode.Message, "not a decodable image");
    }

    [TestMethod]
    public void MissingFileIsRejectedWithAnErrorNamingTheFile()
    {
        using var folder = new TempFolder();
        string path = folder.File("no-such-photo.jpg");
        var decode = Chain(ClassifyPathFails(path)).OfType<ImageDecodeException>().Single();
        StringAssert.Contains(decode.Message, path);
        StringAssert.Contains(decode.Message, "does not exist");
    }

    [TestMethod]
    public void LoadImagesRouteRejectsTheTruncatedJpegWithMlNetsOwnError()
    {
        // Documented limitation: ML.NET's LoadImages does not name the file; the path route above does.
        var e = Assert.Throws<Exception>(() => MlNetScore(TestPhotos.Path("truncated.jpg"), TestModels.Rgb));
        StringAssert.Contains(string.Join("\n", Chain(e).Select(x => x.Message)), "Invalid input stream contents");
    }

    [TestMethod]
    public void PathColumnIsClassifiedExactlyLikeLoadImages()
    {
        var ml = new MLContext(seed: 1);
        var data = Pipelines.PhotoPaths(ml);
        var viaPaths = Pipelines.Rows<Prediction>(ml, Pipelines.ClassifyPaths(ml, TestModels.Rgb).Fit(data).Transform(data));
        var viaLoadImages = Pipelines.Rows<Prediction>(ml, Pipelines.Classify(ml, TestModels.Rgb).Fit(data).Transform(data));
        for (int i = 0; i < viaPaths.Count; i++)
        {
            CollectionAssert.AreEqual(viaLoadImages[i].Score, viaPaths[i].Score);
            Assert.AreEqual(viaLoadImages[i].PredictedLabel, viaPaths[i].PredictedLabel);
        }
        var output = Pipelines.ClassifyPaths(ml, TestModels.Rgb).Fit(data).Transform(data);
        CollectionAssert.AreEqual(new[] { "ImagePath", "Score", "PredictedLabel" }, output.Schema.Select(c => c.Name).ToArray());
    }

    public sealed class EncodedRow
    {
        public byte[] Image { get; set; } = [];
    }

    [TestMethod]
    public void EncodedBytesAreClassifiedExactlyLikeLoadImagesAndDroppedAfterwards()
    {
        var ml = new MLContext(seed: 1);
        var paths = Pipelines.PhotoPaths(ml);
        var bytes = ml.Transforms.LoadRawImageBytes("Image", imageFolder: null, inputColumnName: nameof(PathRow.ImagePath)).Fit(paths).Transform(paths);
        var output = ml.Transforms.ClassifyImagesWithAlexNet(TestModels.Rgb, "Image").Fit(bytes).Transform(bytes);
        var viaBytes = Pipelines.Rows<Prediction>(ml, output);
        var viaLoadImages = Pipelines.Rows<Prediction>(ml, Pipelines.Classify(ml, TestModels.Rgb).Fit(paths).Transform(paths));
        for (int i = 0; i < viaBytes.Count; i++)
        {
            CollectionAssert.AreEqual(viaLoadImages[i].Score, viaBytes[i].Score, Pipelines.Photos[i]);
            Assert.AreEqual(viaLoadImages[i].PredictedLabel, viaBytes[i].PredictedLabel);
        }
        CollectionAssert.AreEqual(new[] { "ImagePath", "Image", "Score", "PredictedLabel" }, output.Schema.Select(c => c.Name).ToArray());
    }

    [TestMethod]
    public void CorruptEncodedBytesAreRejectedWithAnErrorSayingWhatIsWrong()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(new[] { new EncodedRow { Image = File.ReadAllBytes(TestPhotos.Path("truncated.jpg")) } });
        var e = Assert.Throws<Exception>(() => Pipelines.Rows<Prediction>(ml, ml.Transforms.ClassifyImagesWithAlexNet(TestModels.Rgb).Fit(data).Transform(data)));
        var decode = Chain(e).OfType<ImageDecodeException>().Single();
        StringAssert.Contains(decode.Message, "truncated");
        StringAssert.StartsWith(decode.Path, "the encoded image (");
    }

    [TestMethod]
    public void InMemoryImagesScoreAsTheSameFilesLoadedFromDisk()
    {
        var ml = new MLContext(seed: 1);
        var rows = Pipelines.Photos.Select(p => new ImageInput { Image = MLImage.CreateFromFile(TestPhotos.Path(p)) }).ToArray();
        var data = ml.Data.LoadFromEnumerable(rows, ImageInput.Schema());
        var scores = Pipelines.Rows<Prediction>(ml, ml.Transforms.ClassifyImagesWithAlexNet(TestModels.Rgb).Fit(data).Transform(data));
        for (int i = 0; i < rows.Length; i++)
        {
            var (expected, _) = IndependentScores.TenCrop(TestModels.Rgb, TestPhotos.Path(Pipelines.Photos[i]));
            Assert.IsLessThan(1e-4f, IndependentScores.MaxAbsDiff(expected, scores[i].Score), Pipelines.Photos[i]);
        }
        foreach (var row in rows) row.Image!.Dispose();
    }

    [TestMethod]
    public void NumericColumnIsRejectedWithAHintToLoadImages()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(new[] { new { Size = 3f } });
        var e = Assert.ThrowsExactly<ArgumentException>(() => ml.Transforms.ClassifyImagesWithAlexNet(TestModels.Rgb, "Size").Fit(data));
        StringAssert.Contains(e.Message, "'Size'");
        StringAssert.Contains(e.Message, "LoadImages");
    }

    [TestMethod]
    public void MissingImageColumnIsRejectedNamingTheColumns()
    {
        var ml = new MLContext(seed: 1);
        var data = Pipelines.PhotoPaths(ml);
        var e = Assert.ThrowsExactly<ArgumentException>(() => ml.Transforms.ClassifyImagesWithAlexNet(TestModels.Rgb, "Photo").Fit(data));
        StringAssert.Contains(e.Message, "'Photo'");
        StringAssert.Contains(e.Message, "ImagePath");
    }

    private static IEnumerable<Exception> Chain(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException) yield return x;
    }
}
