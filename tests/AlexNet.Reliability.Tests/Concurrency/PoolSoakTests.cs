using System.Collections.Concurrent;
using System.Diagnostics;
using AlexNet.MLNet.Serving;
using AlexNet.Reliability.Tests.Support;

namespace AlexNet.Reliability.Tests.Concurrency;

/// <summary>
/// 16 threads predicting through one <see cref="PooledPredictionEngine{TData, TPrediction}"/>: every score equals
/// the single-thread score bit for bit, and memory stays flat between the first and second half of the run.
/// 16 × 24 predictions here (16 × 100 took 198 s on the shared 2 cores); <c>ALEXNET_SOAK_PREDICTIONS=1000</c> runs the full soak (docs/RELIABILITY.md).
/// </summary>
[TestClass]
public sealed class PoolSoakTests
{
    private const int Threads = 16;

    public TestContext TestContext { get; set; } = null!;

    private static int PerThread =>
        int.TryParse(Environment.GetEnvironmentVariable("ALEXNET_SOAK_PREDICTIONS"), out var n) && n > 1 ? n : 24;

    [TestMethod]
    public void SixteenThreadsThroughThePoolGetTheSingleThreadScoresWithFlatMemory()
    {
        var (ml, model) = Serving.Fit();
        var paths = TestPhotos.Names.Select(TestPhotos.Path).ToArray();
        // The single-thread scores come from the pool's first engine. (Disposing a separate engine here once made the
        // 16-thread run die: ML.NET's PredictionEngine.Dispose released the shared ONNX session. AlexNetTransformer now
        // counts its users; tests/AlexNet.MLNet.Tests/Reliability/EngineDisposalTests.cs covers that case.)
        // One idle engine kept per thread: the pool neither disposes nor recreates engines between rounds.
        var pool = new PooledPredictionEngine<PathRow, Prediction>(ml, model, capacity: Threads);
        var expected = paths.ToDictionary(p => p, p => pool.Predict(new PathRow { ImagePath = p }).Score);
        var wrong = new ConcurrentBag<string>();

        void Round(int perThread)
        {
            using var start = new Barrier(Threads);
            var threads = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
            {
                start.SignalAndWait();
                for (int i = 0; i < perThread; i++)
                {
                    var path = paths[(t + i) % paths.Length];
                    if (!pool.Predict(new PathRow { ImagePath = path }).Score.SequenceEqual(expected[path]))
                        wrong.Add($"thread {t}, call {i}, {Path.GetFileName(path)}");
                }
            })).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());
        }

        Round(4); // warm-up: engines created, ONNX Runtime arenas grown
        var (ws0, heap0) = Snapshot();
        var clock = Stopwatch.StartNew();
        Round(PerThread / 2);
        var (ws1, heap1) = Snapshot();
        Round(PerThread - PerThread / 2);
        double seconds = clock.Elapsed.TotalSeconds;
        var (ws2, heap2) = Snapshot();

        TestContext.WriteLine($"{Threads} threads × {PerThread} predictions in {seconds:F1} s ({Threads * PerThread / seconds:F0}/s), {pool.Created} engines; " +
            $"working set {ws0 / 1048576.0:F1} -> {ws1 / 1048576.0:F1} -> {ws2 / 1048576.0:F1} MiB; managed heap {heap0 / 1048576.0:F1} -> {heap1 / 1048576.0:F1} -> {heap2 / 1048576.0:F1} MiB");
        Assert.IsEmpty(wrong, string.Join("; ", wrong.Take(10)));
        Assert.IsLessThanOrEqualTo(Threads, pool.Created);
        Assert.IsLessThan(4L << 20, heap2 - heap1, "managed heap flat between the halves");
        Assert.IsLessThan(64L << 20, ws2 - ws1, "working set flat between the halves");
    }

    private static (long WorkingSet, long Heap) Snapshot()
    {
        long heap = GC.GetTotalMemory(forceFullCollection: true);
        GC.WaitForPendingFinalizers();
        return (MemoryUse.WorkingSet(), heap);
    }
}
