using System.Diagnostics;
using System.Threading.Channels;

namespace AlexNet.Samples.WebApp;

/// <summary>Why a request was not queued.</summary>
public enum Refusal
{
    /// <summary><see cref="DynamicBatcher{TItem, TResult}.MaxQueueLength"/> requests are already waiting.</summary>
    QueueFull,
    /// <summary>The service is shutting down: it finishes what is queued and takes nothing new.</summary>
    ShuttingDown,
}

/// <summary>A request the batcher did not take; the service answers it with a 503.</summary>
/// <param name="reason">Why.</param>
/// <param name="message">What is wrong, for the client.</param>
public sealed class BatcherRefusedException(Refusal reason, string message) : Exception(message)
{
    /// <summary>Why the request was refused.</summary>
    public Refusal Reason { get; } = reason;
}

/// <summary>
/// Triton's dynamic batcher in-process: requests wait in a bounded queue (a <see cref="Channel{T}"/>) and are scored
/// together, up to <see cref="MaxBatchSize"/> per call, by up to <see cref="Instances"/> batches at once (Triton's
/// <c>instance_group { count }</c>). A batch forms only once an instance is free to score it, so while every instance
/// is busy the requests that arrive wait in the queue and go together in the next batch. A batch goes as soon as it is
/// full, or when its first request has waited <see cref="MaxQueueDelay"/>, so a request alone is held no longer than
/// that while an instance is free. A full queue refuses new requests instead of letting latency grow without bound.
/// <see cref="Complete"/> (the host's shutdown) refuses new requests and scores every queued one, at once, without
/// waiting out the delay.
/// </summary>
/// <typeparam name="TItem">A request's input, decoded already: a bad upload never reaches the queue.</typeparam>
/// <typeparam name="TResult">A request's answer.</typeparam>
public sealed class DynamicBatcher<TItem, TResult>
{
    private readonly Channel<Pending> _queue;
    private readonly Func<IReadOnlyList<TItem>, IReadOnlyList<TResult>> _score;
    private readonly Action<int>? _batchScored;
    private readonly SemaphoreSlim _free; // instances not scoring a batch
    private volatile bool _completed;
    private int _waiting; // queued or in a batch still forming: what --max-queue-length bounds and the metric shows

    /// <summary>Starts the batcher.</summary>
    /// <param name="score">Scores a batch, giving one result per item in order. With more than one instance it is
    /// called for several batches at once, from different threads, so it must be thread-safe then.
    /// When it throws, every request of that batch fails with the exception.</param>
    /// <param name="maxBatchSize">Most requests per <paramref name="score"/> call.</param>
    /// <param name="maxQueueDelay">Longest a batch's first request waits for others to join it.</param>
    /// <param name="maxQueueLength">Most requests waiting at once; more are refused.</param>
    /// <param name="batchScored">Told each batch's size once it is scored (the service's metrics); called from the
    /// instance that scored it, so from several threads at once with several instances.</param>
    /// <param name="instances">Most batches scored at once (Triton's <c>instance_group { count }</c>).</param>
    public DynamicBatcher(Func<IReadOnlyList<TItem>, IReadOnlyList<TResult>> score, int maxBatchSize, TimeSpan maxQueueDelay,
        int maxQueueLength, Action<int>? batchScored = null, int instances = 1)
    {
        ArgumentNullException.ThrowIfNull(score);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxQueueDelay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxQueueLength, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(instances, 1);
        _score = score;
        _batchScored = batchScored;
        MaxBatchSize = maxBatchSize;
        MaxQueueDelay = maxQueueDelay;
        MaxQueueLength = maxQueueLength;
        Instances = instances;
        _free = new SemaphoreSlim(instances, instances);
        // Unbounded: the bound is on _waiting, which also counts the requests held while a batch forms.
        _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
        Completion = Task.Run(Work);
    }

    /// <summary>Most requests scored in one call.</summary>
    public int MaxBatchSize { get; }
    /// <summary>Longest a batch's first request waits for others.</summary>
    public TimeSpan MaxQueueDelay { get; }
    /// <summary>Most requests waiting at once.</summary>
    public int MaxQueueLength { get; }
    /// <summary>Most batches scored at once.</summary>
    public int Instances { get; }
    /// <summary>Requests waiting: queued, or held while their batch forms; not those being scored.</summary>
    public int QueueLength => Volatile.Read(ref _waiting);
    /// <summary>Done once <see cref="Complete"/> was called and every queued request has been answered.</summary>
    public Task Completion { get; }

    /// <summary>Queues one request and answers when its batch is scored.</summary>
    /// <param name="item">The decoded input.</param>
    /// <exception cref="BatcherRefusedException">The queue is full, or the service is shutting down (synchronously: nothing was queued).</exception>
    public Task<TResult> ScoreAsync(TItem item)
    {
        if (Interlocked.Increment(ref _waiting) > MaxQueueLength)
        {
            Interlocked.Decrement(ref _waiting);
            throw new BatcherRefusedException(Refusal.QueueFull, $"{MaxQueueLength} requests are already waiting (--max-queue-length); try again shortly.");
        }
        var pending = new Pending(item, Stopwatch.GetTimestamp());
        if (_completed || !_queue.Writer.TryWrite(pending))
        {
            Interlocked.Decrement(ref _waiting);
            throw new BatcherRefusedException(Refusal.ShuttingDown, "The service is shutting down; send the request to another replica.");
        }
        return pending.Answer.Task;
    }

    /// <summary>Refuses new requests and scores the queued ones without waiting out the delay; <see cref="Completion"/> says when they are done.</summary>
    public void Complete()
    {
        _completed = true;
        _queue.Writer.TryComplete();
    }

    // One loop forms the batches, one at a time, each once an instance is free; the instances score them on the thread pool.
    private async Task Work()
    {
        var reader = _queue.Reader;
        var scoring = new List<Task>();
        while (true)
        {
            await _free.WaitAsync().ConfigureAwait(false);
            if (!await reader.WaitToReadAsync().ConfigureAwait(false)) break;
            if (!reader.TryRead(out var first))
            {
                _free.Release();
                continue;
            }
            var batch = new List<Pending>(MaxBatchSize) { first };
            // The delay runs from when the first request was queued, as Triton's max_queue_delay_microseconds does.
            var deadline = first.Queued + (long)(MaxQueueDelay.TotalSeconds * Stopwatch.Frequency);
            while (batch.Count < MaxBatchSize)
            {
                if (reader.TryRead(out var next))
                {
                    batch.Add(next);
                    continue;
                }
                var left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
                if (left <= TimeSpan.Zero) break;
                using var timeout = new CancellationTokenSource(left);
                try
                {
                    // False once Complete was called and the queue is empty: score what is here now.
                    if (!await reader.WaitToReadAsync(timeout.Token).ConfigureAwait(false)) break;
                }
                catch (OperationCanceledException) { break; }
            }
            Interlocked.Add(ref _waiting, -batch.Count);
            scoring.RemoveAll(t => t.IsCompleted);
            scoring.Add(Task.Run(() =>
            {
                try { Run(batch); }
                finally { _free.Release(); }
            }));
        }
        // Complete was called and the queue is drained: done once every batch handed out is answered.
        await Task.WhenAll(scoring).ConfigureAwait(false);
    }

    private void Run(List<Pending> batch)
    {
        IReadOnlyList<TResult> results;
        try
        {
            results = _score([.. batch.Select(p => p.Item)]);
            if (results.Count != batch.Count)
                throw new InvalidOperationException($"The scorer gave {results.Count} results for a batch of {batch.Count}.");
        }
        catch (Exception e)
        {
            foreach (var p in batch) p.Answer.TrySetException(e);
            return;
        }
        _batchScored?.Invoke(batch.Count);
        for (int i = 0; i < batch.Count; i++) batch[i].Answer.TrySetResult(results[i]);
    }

    private sealed class Pending(TItem item, long queued)
    {
        public TItem Item { get; } = item;
        public long Queued { get; } = queued;
        // Continuations off the instance, so a slow client cannot hold up its next batch.
        public TaskCompletionSource<TResult> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
