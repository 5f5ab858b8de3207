using AlexNet.Onnx.Model;
using AlexNet.Onnx.Runtime;
using AlexNet.Onnx.Tests.Support;

namespace AlexNet.Onnx.Tests.Runtime;

[TestClass]
public sealed class BatchScorerTests
{
    [TestMethod]
    public void FourThreadsAtOnceGiveTheSameScoresAsOneThread()
    {
        using var folder = new TempFolder();
        var model = ModelFile.Open(TestModels.Write(folder, AlexNetArchitecture.Small()));
        using var scorer = new BatchScorer(model, new OnnxSessionOptions { IntraOpThreads = 1 });
        var batches = Enumerable.Range(0, 16).Select(i => TestModels.RandomCrops(1 + i % 4, model.CropLength, seed: i)).ToArray();
        var sequential = batches.Select(b => scorer.Score(b)).ToArray();

        var parallel = new BatchScores[batches.Length];
        var threads = Enumerable.Range(0, 4).Select(t => new Thread(() =>
        {
            for (int i = t; i < batches.Length; i += 4) parallel[i] = scorer.Score(batches[i]);
        })).ToArray();
        foreach (var thread in threads) thread.Start();
        foreach (var thread in threads) thread.Join();

        for (int i = 0; i < batches.Length; i++)
        {
            CollectionAssert.AreEqual(sequential[i].Logits, parallel[i].Logits, $"batch {i}");
            CollectionAssert.AreEqual(sequential[i].Features, parallel[i].Features, $"batch {i}");
        }
        Assert.AreNotEqual(sequential[0].Logits[0], sequential[4].Logits[0], "different inputs must score differently");
    }

    [TestMethod]
    public void AFixedBatchSizeScoresWithoutManagedAllocations()
    {
        using var folder = new TempFolder();
        var model = ModelFile.Open(TestModels.Write(folder, AlexNetArchitecture.Small()));
        using var scorer = new BatchScorer(model);
        var crops = TestModels.RandomCrops(8, model.CropLength, seed: 1);
        var probabilities = new float[8 * model.NumClasses];
        var logits = new float[8 * model.NumClasses];
        scorer.Score(crops, probabilities, logits);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++) scorer.Score(crops, probabilities, logits);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.AreEqual(0L, allocated);
    }

    [TestMethod]
    public void ProbabilitiesAreTheSoftmaxOfTheLogits()
    {
        using var folder = new TempFolder();
        var model = ModelFile.Open(TestModels.Write(folder, AlexNetArchitecture.Small()));
        using var scorer = new BatchScorer(model);

        var scores = scorer.Score(TestModels.RandomCrops(3, model.CropLength, seed: 5));

        for (int i = 0; i < 3; i++)
        {
            var logits = scores.LogitsOf(i).ToArray();
            double sum = logits.Sum(l => Math.Exp(l - logits.Max()));
            for (int k = 0; k < model.NumClasses; k++)
                Assert.AreEqual(Math.Exp(logits[k] - logits.Max()) / sum, scores.ProbabilitiesOf(i)[k], 1e-6);
        }
    }

    [TestMethod]
    public void CropsThatAreNotWholeAreRejected()
    {
        using var folder = new TempFolder();
        var model = ModelFile.Open(TestModels.Write(folder, AlexNetArchitecture.Small()));
        using var scorer = new BatchScorer(model);

        var error = Assert.ThrowsExactly<ArgumentException>(() => scorer.Score(new float[model.CropLength + 5]));

        StringAssert.Contains(error.Message, "1×28×28");
    }
}
