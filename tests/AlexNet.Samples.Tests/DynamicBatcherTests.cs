using AlexNet.Samples.WebApp;

namespace AlexNet.Samples.Tests;

/// <summary>
/// WebApp's dynamic batcher on its own, with a scorer that records each batch: no model, no clocks. A delay of ten
/// minutes stands for "never" (a batch can then only go when it is full or the batcher completes), a delay of zero for
/// "at once"; a gate holds the scorer where a test needs requests to pile up. With several instances a countdown
/// says when that many batches are being scored at once (a minute's wait stands for "never": a batcher that scores
/// fewer at once fails there instead of hanging the run).
/// </summary>
[TestClass]
public sealed class DynamicBatcherTests
{
    private static readonly TimeSpan Never = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(1);

    [TestMethod]
    public void Requests_that_arrive_together_are_scored_in_one_batch_each_getting_its_own_answer()
    {
        var batches = new List<int[]>();
        var batcher = new DynamicBatcher<int, int>(b => { lock (batches) batches.Add([.. b]); return [.. b.Select(x => 10 * x)]; },
            maxBatchSize: 4, Never, maxQueueLength: 8);

        var answers = Enumerable.Range(1, 4).Select(i => Task.Run(() => batcher.ScoreAsync(i))).ToArray();

        CollectionAssert.AreEqual(new[] { 10, 20, 30, 40 }, Task.WhenAll(answers).Result);
        Assert.HasCount(1, batches);
        CollectionAssert.AreEquivalent(new[] { 1, 2, 3, 4 }, batches[0]);
    }

    [TestMethod]
    public void A_request_alone_goes_without_waiting_for_a_batch_when_the_delay_is_zero()
    {
        var sizes = new List<int>();
        var batcher = new DynamicBatcher<int, int>(b => [.. b], maxBatchSize: 8, TimeSpan.Zero, maxQueueLength: 8, sizes.Add);

        Assert.AreEqual(7, batcher.ScoreAsync(7).Result);
        CollectionAssert.AreEqual(new[] { 1 }, sizes);
    }

    [TestMethod]
    public void A_request_past_the_queue_length_is_refused_as_queue_full_and_the_waiting_ones_are_answered()
    {
        using var scoring = new SemaphoreSlim(0);
        using var gate = new ManualResetEventSlim();
        var batcher = new DynamicBatcher<int, int>(b => { scoring.Release(); gate.Wait(); return [.. b]; },
            maxBatchSize: 1, TimeSpan.Zero, maxQueueLength: 2);
        var first = batcher.ScoreAsync(1);
        scoring.Wait(); // the first is being scored, so it no longer counts as waiting
        var waiting = new[] { batcher.ScoreAsync(2), batcher.ScoreAsync(3) };
        Assert.AreEqual(2, batcher.QueueLength);

        var refused = Assert.ThrowsExactly<BatcherRefusedException>(() => batcher.ScoreAsync(4));

        Assert.AreEqual(Refusal.QueueFull, refused.Reason);
        StringAssert.Contains(refused.Message, "2 requests are already waiting (--max-queue-length)");
        gate.Set();
        CollectionAssert.AreEqual(new[] { 1, 2, 3 }, Task.WhenAll([first, .. waiting]).Result);
        Assert.AreEqual(0, batcher.QueueLength);
    }

    [TestMethod]
    public void Complete_scores_the_waiting_requests_at_once_and_refuses_new_ones()
    {
        var sizes = new List<int>();
        var batcher = new DynamicBatcher<int, int>(b => [.. b], maxBatchSize: 8, Never, maxQueueLength: 8, sizes.Add);
        var waiting = new[] { batcher.ScoreAsync(1), batcher.ScoreAsync(2), batcher.ScoreAsync(3) };

        batcher.Complete();

        CollectionAssert.AreEqual(new[] { 1, 2, 3 }, Task.WhenAll(waiting).Result);
        Assert.IsTrue(batcher.Completion.Wait(TimeSpan.FromMinutes(1)), "the worker ends once the queue is drained");
        CollectionAssert.AreEqual(new[] { 3 }, sizes);
        var refused = Assert.ThrowsExactly<BatcherRefusedException>(() => batcher.ScoreAsync(4));
        Assert.AreEqual(Refusal.ShuttingDown, refused.Reason);
    }

    [TestMethod]
    public void A_scorer_that_throws_fails_the_requests_of_its_batch_and_the_next_batch_is_scored()
    {
        var batcher = new DynamicBatcher<int, int>(b => b.Contains(0) ? throw new InvalidOperationException("bad batch") : [.. b],
            maxBatchSize: 1, TimeSpan.Zero, maxQueueLength: 8);

        var failed = Assert.ThrowsExactly<AggregateException>(() => batcher.ScoreAsync(0).Wait());

        Assert.AreEqual("bad batch", failed.InnerException!.Message);
        Assert.AreEqual(5, batcher.ScoreAsync(5).Result);
    }

    [TestMethod]
    public void Two_instances_score_two_batches_at_once()
    {
        using var scoring = new CountdownEvent(2);
        using var gate = new ManualResetEventSlim();
        var batcher = new DynamicBatcher<int, int>(b => { scoring.Signal(); gate.Wait(); return [.. b]; },
            maxBatchSize: 1, TimeSpan.Zero, maxQueueLength: 8, instances: 2);
        var answers = new[] { batcher.ScoreAsync(1), batcher.ScoreAsync(2) };

        Assert.IsTrue(scoring.Wait(Patience), "both batches are in the scorer together");
        Assert.AreEqual(0, batcher.QueueLength);
        gate.Set();
        CollectionAssert.AreEqual(new[] { 1, 2 }, Task.WhenAll(answers).Result);
    }

    [TestMethod]
    public void While_every_instance_is_busy_the_requests_that_arrive_wait_and_go_together_in_the_next_batch()
    {
        using var entered = new SemaphoreSlim(0);
        using var gate = new ManualResetEventSlim();
        var sizes = new List<int>();
        var batcher = new DynamicBatcher<int, int>(b => { entered.Release(); gate.Wait(); return [.. b]; },
            maxBatchSize: 4, TimeSpan.Zero, maxQueueLength: 8, size => { lock (sizes) sizes.Add(size); }, instances: 2);
        // One at a time, so that each goes alone (delay zero) to an instance of its own.
        var first = batcher.ScoreAsync(1);
        Assert.IsTrue(entered.Wait(Patience), "the first instance holds a batch");
        var second = batcher.ScoreAsync(2);
        Assert.IsTrue(entered.Wait(Patience), "the second instance holds a batch");
        var waiting = new[] { batcher.ScoreAsync(3), batcher.ScoreAsync(4), batcher.ScoreAsync(5) };
        Assert.AreEqual(3, batcher.QueueLength, "no batch forms while no instance is free");

        gate.Set();

        CollectionAssert.AreEqual(new[] { 1, 2, 3, 4, 5 }, Task.WhenAll([first, second, .. waiting]).Result);
        lock (sizes) CollectionAssert.AreEquivalent(new[] { 1, 1, 3 }, sizes, "the three waiting went in one batch despite the zero delay");
    }

    [TestMethod]
    public void With_two_instances_busy_a_request_past_the_queue_length_is_refused()
    {
        using var scoring = new CountdownEvent(2);
        using var gate = new ManualResetEventSlim();
        var batcher = new DynamicBatcher<int, int>(b => { if (!scoring.IsSet) scoring.Signal(); gate.Wait(); return [.. b]; },
            maxBatchSize: 1, TimeSpan.Zero, maxQueueLength: 2, instances: 2);
        var scored = new[] { batcher.ScoreAsync(1), batcher.ScoreAsync(2) };
        Assert.IsTrue(scoring.Wait(Patience), "each instance holds a batch");
        var waiting = new[] { batcher.ScoreAsync(3), batcher.ScoreAsync(4) };

        var refused = Assert.ThrowsExactly<BatcherRefusedException>(() => batcher.ScoreAsync(5));

        Assert.AreEqual(Refusal.QueueFull, refused.Reason);
        gate.Set();
        CollectionAssert.AreEqual(new[] { 1, 2, 3, 4 }, Task.WhenAll([.. scored, .. waiting]).Result);
    }

    [TestMethod]
    public void Complete_with_two_instances_is_done_only_once_every_batch_in_flight_and_waiting_is_answered()
    {
        using var scoring = new CountdownEvent(2);
        using var gate = new ManualResetEventSlim();
        var batcher = new DynamicBatcher<int, int>(b => { if (!scoring.IsSet) scoring.Signal(); gate.Wait(); return [.. b]; },
            maxBatchSize: 1, TimeSpan.Zero, maxQueueLength: 8, instances: 2);
        var scored = new[] { batcher.ScoreAsync(1), batcher.ScoreAsync(2) };
        Assert.IsTrue(scoring.Wait(Patience), "each instance holds a batch");
        var waiting = batcher.ScoreAsync(3);

        batcher.Complete();

        Assert.IsFalse(batcher.Completion.IsCompleted, "two batches are still being scored and one is waiting");
        Assert.AreEqual(Refusal.ShuttingDown, Assert.ThrowsExactly<BatcherRefusedException>(() => batcher.ScoreAsync(4)).Reason);
        gate.Set();
        Assert.IsTrue(batcher.Completion.Wait(Patience), "done once the instances have answered everything");
        Assert.IsTrue(scored.All(t => t.IsCompletedSuccessfully) && waiting.IsCompletedSuccessfully, "every request was answered before Completion");
        CollectionAssert.AreEqual(new[] { 1, 2, 3 }, Task.WhenAll([.. scored, waiting]).Result);
    }

    [TestMethod]
    public void Fewer_than_one_instance_is_refused()
    {
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new DynamicBatcher<int, int>(b => [.. b], 4, TimeSpan.Zero, 8, instances: 0));
        Assert.AreEqual("instances", e.ParamName);
    }
}
