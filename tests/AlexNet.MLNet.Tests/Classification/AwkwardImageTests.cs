using AlexNet.MLNet.Images;
using AlexNet.MLNet.Tests.Imaging;
using AlexNet.MLNet.Tests.Support;
using Microsoft.ML;

namespace AlexNet.MLNet.Tests.Classification;

/// <summary>
/// Awkward images (palette, alpha, 16-bit, gray, tiny, large), which odd_images.py writes from the vendored photos with
/// Debian's python3-pil and python3-numpy, are classified after conversion to 32-bit colour and then score exactly as
/// the AlexNet.Onnx decoder's route does, so no silent garbage. Only the tests that read those files are behind the
/// script: a missing module makes them inconclusive naming the package (which fails CI), a script that fails fails them.
/// </summary>
[TestClass]
public sealed class AwkwardImageTests
{
    private static TempFolder? _folder;

    [ClassInitialize]
    public static void WriteOddImages(TestContext _)
    {
        SystemPython.Require("PIL", "python3-pil");
        SystemPython.Require("numpy", "python3-numpy");
        _folder = new TempFolder();
        SystemPython.RunScript("odd_images.py", TestPhotos.Folder, _folder.Path);
    }

    [ClassCleanup]
    public static void DeleteOddImages() => _folder?.Dispose();

    private static float[] MlNetScore(string path, string model) => InputHandlingTests.MlNetScore(path, model);

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
}
