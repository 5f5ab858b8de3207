using AlexNet.MLNet.Images;
using AlexNet.Samples.WebApp;
using Microsoft.ML.Data;

namespace AlexNet.Samples.Tests;

/// <summary>
/// The WebApp's model on its own: <see cref="ImageClassifier.ScoreBatch"/> is what the dynamic batcher's instances call,
/// several at once, so two batches scored together must each give the one-by-one route's scores.
/// </summary>
[TestClass]
public sealed class ImageClassifierTests
{
    private static readonly string[][] Batches = [["astronaut.png", "chelsea.png", "coffee.png"], ["rocket.jpg", "coffee.png", "astronaut.png"]];

    [TestMethod]
    public void Two_batches_scored_at_once_from_two_threads_equal_the_one_by_one_route()
    {
        using var classifier = new ImageClassifier(QuickStartRun.Result.OnnxModel, maxBatchSize: 3, intraOpThreads: 1);
        var images = Batches.Select(b => b.Select(p => ImageInput.Decode(File.ReadAllBytes(TestPhotos.Path(p)), p)).ToArray()).ToArray();
        try
        {
            var expected = images.Select(b => b.Select(classifier.Score).ToArray()).ToArray();
            using var start = new Barrier(2);
            for (int round = 0; round < 3; round++)
            {
                var scored = images.Select(b => Task.Factory.StartNew(() => { start.SignalAndWait(); return classifier.ScoreBatch(b); },
                    TaskCreationOptions.LongRunning)).ToArray();
                var batches = Task.WhenAll(scored).Result;
                for (int b = 0; b < Batches.Length; b++)
                    for (int i = 0; i < Batches[b].Length; i++)
                    {
                        Assert.AreEqual(expected[b][i].PredictedLabel, batches[b][i].PredictedLabel, $"round {round}, {Batches[b][i]}");
                        for (int k = 0; k < expected[b][i].Score.Length; k++)
                            Assert.AreEqual(expected[b][i].Score[k], batches[b][i].Score[k], 1e-5, $"round {round}, {Batches[b][i]}, class {k}");
                    }
            }
        }
        finally
        {
            foreach (var image in images.SelectMany(b => b)) image.Dispose();
        }
    }
}
