using AlexNet.MLNet.Serving;
using AlexNet.Onnx.Imaging;
using AlexNet.Reliability.Tests.Support;

namespace AlexNet.Reliability.Tests.Hostile;

/// <summary>
/// Uploads through the ML.NET pipeline on a path column: each bad file fails its own prediction with an
/// <see cref="ImageDecodeException"/> naming it, and the pool keeps serving good files with unchanged scores.
/// </summary>
[TestClass]
public sealed class PathColumnTests
{
    [TestMethod]
    public void EachHostileUploadFailsItsOwnPredictionNamingTheFileAndTheEngineKeepsServing()
    {
        using var folder = new TempFolder();
        var (ml, model) = Serving.Fit();
        var pool = new PooledPredictionEngine<PathRow, Prediction>(ml, model);
        var good = TestPhotos.Path("chelsea.png");
        var before = pool.Predict(new PathRow { ImagePath = good }).Score;
        var bad = HostileImages.All().Where(f => f.Expected is not null).ToList();
        foreach (var file in bad)
        {
            var path = file.WriteTo(folder.Path);
            var error = Within.Catch(30, () => pool.Predict(new PathRow { ImagePath = path }), $"predicting {file.Name}");
            Assert.IsNotNull(error, file.Name);
            var decode = Chain(error).OfType<ImageDecodeException>().FirstOrDefault();
            Assert.IsNotNull(decode, $"{file.Name}: {error}");
            Assert.AreEqual(path, decode.Path);
            StringAssert.Contains(decode.Message, file.Expected!);
            CollectionAssert.AreEqual(before, pool.Predict(new PathRow { ImagePath = good }).Score, $"after {file.Name}");
        }
        Assert.AreEqual(1, pool.Created, "one engine served every call, failed or not");
    }

    private static IEnumerable<Exception> Chain(Exception? e)
    {
        for (; e is not null; e = e.InnerException) yield return e;
    }
}
