using AlexNet.MLNet.Images;
using AlexNet.MLNet.Tests.Imaging;
using AlexNet.MLNet.Tests.Support;
using AlexNet.Onnx.Imaging;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace AlexNet.MLNet.Tests.Classification;

/// <summary>
/// Awkward inputs are either classified after conversion to 32-bit colour (and then score exactly as the
/// AlexNet.Onnx decoder's route does, so no silent garbage) or rejected with an error that names the image.
/// </summary>
[TestClass]
public sealed class InputHandlingTests
{
    private static TempFolder? _folder;

    [ClassInitialize]
    public static void WriteOddImages(TestContext _)
    {
        _folder = new TempFolder();
        var (code, _, error) = Run("/usr/bin/python3", Path.Combine(AppContext.BaseDirectory, "Python", "odd_images.py"), TestPhotos.Folder, _folder.Path);
        if (code != 0) Assert.Inconclusive($"odd_images.py needs /usr/bin/python3 with PIL and numpy (Debian python3-pil, python3-numpy): {error}");
    }

    [ClassCleanup]
    public static void DeleteOddImages() => _folder?.Dispose();

    private static float[] MlNetScore(string path, string model)
    {
        var ml = new MLContext(seed: 1);
        var data = Pipelines.Paths(ml, [path]);
        return Pipelines.Rows<Prediction>(ml, Pipelines.Classify(ml, model).Fit(data).Transform(data))[0].Score;
    }

    [TestMethod]
    [DataRow("palette.png")]
    [DataRow("alpha.png")]
    [DataRow("rgb16.png")]
    [DataRow("gray16.png")]
    [DataRow("gray.jpg")]
    [DataRow("tiny.png")]
    [DataRow("large.jpg")]
    public void AwkwardImageIsClassifiedExactlyAsTheDecoderPreparesIt(string name)
    {
        string path = _folder!.File(name);
        var score = MlNetScore(path, TestModels.Rgb);
        var (expected, _) = IndependentScores.TenCrop(TestModels.Rgb, path);
        Assert.IsLessThan(1e-4f, IndependentScores.MaxAbsDiff(expected, score));
        Assert.AreEqual(1f, score.Sum(), 1e-5f);
    }

    [TestMethod]
    [DataRow("alpha.png")]
    [DataRow("palette.png")]
    [DataRow("gray16.png")]
    [DataRow("gray.jpg")]
    public void BytesDecodedOnceInMemoryScoreExactlyAsTheSameFileByPath(string name)
    {
        // ImageInput.Decode: one decode of the bytes, the pixels handed to MLImage as they are (the WebApp's route).
        string path = _folder!.File(name);
        var ml = new MLContext(seed: 1);
        using var image = ImageInput.Decode(File.ReadAllBytes(path), name);
        var data = ml.Data.LoadFromEnumerable(new[] { new ImageInput { Image = image } }, ImageInput.Schema());
        var inMemory = Pipelines.Rows<Prediction>(ml, ml.Transforms.ClassifyImagesWithAlexNet(TestModels.Rgb).Fit(data).Transform(data))[0].Score;

        CollectionAssert.AreEqual(MlNetScore(path, TestModels.Rgb), inMemory);
    }

    [TestMethod]
    public void GrayModelClassifiesGrayAndColourImagesFromTheRedPlane()
    {
        foreach (var path in new[] { _folder!.File("gray.jpg"), TestPhotos.Path("coffee.png") })
        {
            var score = MlNetScore(path, TestModels.Gray);
            Assert.HasCount(10, score);
            var (expected, _) = IndependentScores.TenCrop(TestModels.Gray, path);
            Assert.IsLessThan(1e-4f, IndependentScores.MaxAbsDiff(expected, score), path);
        }
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
        string path = _folder!.File("rocket-half.jpg");
        var bytes = File.ReadAllBytes(TestPhotos.Path("rocket.jpg"));
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var decode = Chain(ClassifyPathFails(path)).OfType<ImageDecodeException>().Single();
        StringAssert.Contains(decode.Message, path);
        StringAssert.Contains(decode.Message, "truncated");
    }

    [TestMethod]
    public void TextFileIsRejectedAsNotAnImageNamingIt()
    {
        string path = _folder!.File("notes.jpg");
        File.WriteAllText(path, "not a photo");
        var decode = Chain(ClassifyPathFails(path)).OfType<ImageDecodeException>().Single();
        StringAssert.Contains(decode.Message, path);
        StringAssert.Contains(decode.Message, "not a decodable image");
    }

    [TestMethod]
    public void MissingFileIsRejectedWithAnErrorNamingTheFile()
    {
        string path = _folder!.File("no-such-photo.jpg");
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

    private static (int Code, string Output, string Error) Run(string exe, params string[] args)
    {
        var start = new System.Diagnostics.ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, output.Result, error.Result);
    }
}
