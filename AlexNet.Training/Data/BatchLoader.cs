using AlexNet.Onnx.Imaging;
namespace AlexNet.Training.Data;

/// <summary>
/// Prepares mini-batches on worker threads ahead of the training step (prefetch with a bounded queue), applying
/// the paper's preprocessing to each image: subtract the mean image, cut the crop(s), add the PCA colour shift.
/// Output is deterministic given (seed, epoch): the epoch's order comes from a generator seeded by (seed, epoch),
/// and each image's crop, flip and α from one seeded by (seed, epoch, dataset index), so the thread count and
/// timing change nothing. Random mode draws, per image: x, y, flip, then α1, α2, α3.
/// </summary>
public sealed class BatchLoader
{
    private readonly IImageDataset _dataset;
    private readonly int[] _indices;
    private readonly BatchLoaderOptions _options;

    /// <summary>Creates a loader over part of a dataset.</summary>
    /// <param name="dataset">The images.</param>
    /// <param name="indices">The dataset indices to serve (a split); all when null.</param>
    /// <param name="options">Batch size, crops, mean, PCA, seed, workers, prefetch.</param>
    public BatchLoader(IImageDataset dataset, IReadOnlyList<int>? indices, BatchLoaderOptions options)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Workers, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Prefetch, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(options.Padding);
        if (options.CropSize < 1 || options.CropSize > dataset.Size + 2 * options.Padding)
            throw new ArgumentOutOfRangeException(nameof(options), options.CropSize,
                $"The crop side must be 1…{dataset.Size + 2 * options.Padding} (the prepared side {dataset.Size} plus padding {options.Padding} on each side).");
        if (options.Mean is { } mean && (mean.Channels != dataset.Channels || mean.Size != dataset.Size))
            throw new ArgumentException($"The mean image is {mean.Channels}x{mean.Size}x{mean.Size}; the dataset's images are {dataset.Channels}x{dataset.Size}x{dataset.Size}.", nameof(options));
        _dataset = dataset;
        _indices = indices?.ToArray() ?? Enumerable.Range(0, dataset.Count).ToArray();
        foreach (int i in _indices)
            if (i < 0 || i >= dataset.Count) throw new ArgumentOutOfRangeException(nameof(indices), i, $"Index outside the dataset's {dataset.Count} images.");
        _options = options;
    }

    /// <summary>
    /// For tests: called on a worker thread when it finds all <see cref="BatchLoaderOptions.Prefetch"/> slots taken and
    /// is about to wait for the consumer, with the number of workers then waiting. Without it a test cannot tell a
    /// worker that waits from one that is merely slow, so it could check that workers stop at Prefetch batches ahead only
    /// by waiting and hoping; with it, "every worker waits" is a point the test can reach, after which no image is read
    /// until the consumer takes the next batch.
    /// </summary>
    internal Action<int>? WorkersWaitingForASlot { get; init; }

    // Waits for a batch unless the epoch is cancelled first: false when it was cancelled and the batch is not there.
    private static bool Built(Task<Batch> batch, CancellationToken cancellationToken)
    {
        try
        {
            Task.WaitAny([batch], cancellationToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return batch.IsCompleted;
        }
    }

    /// <summary>Images served per epoch.</summary>
    public int Count => _indices.Length;

    /// <summary>Batches per epoch (the last may be short).</summary>
    public int BatchesPerEpoch => (_indices.Length + _options.BatchSize - 1) / _options.BatchSize;

    /// <summary>Crops per image: 10 for ten-crop, else 1.</summary>
    public int CropsPerImage => _options.Mode == CropMode.TenCrop ? 10 : 1;

    /// <summary>The order in which an epoch serves the dataset indices.</summary>
    /// <param name="epoch">The epoch.</param>
    public int[] Order(int epoch)
    {
        var order = (int[])_indices.Clone();
        if (!_options.Shuffle) return order;
        SplitMix64.For(_options.Seed, epoch, -1).Shuffle(order);
        return order;
    }

    /// <summary>
    /// Serves one epoch. Workers start at once and stay at most <see cref="BatchLoaderOptions.Prefetch"/> batches
    /// ahead; they stop when the enumeration ends or is abandoned. A worker's error is rethrown here.
    /// </summary>
    /// <param name="epoch">The epoch (seeds the shuffle and the augmentation).</param>
    /// <param name="cancellationToken">Stops the workers; the epoch then ends early, at the first batch not already
    /// built (a cancelled workers' pool builds no more, so waiting for it would never end).</param>
    public IEnumerable<Batch> Epoch(int epoch, CancellationToken cancellationToken = default)
    {
        var order = Order(epoch);
        int batches = (order.Length + _options.BatchSize - 1) / _options.BatchSize;
        var results = new TaskCompletionSource<Batch>[batches];
        for (int b = 0; b < batches; b++) results[b] = new(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var slots = new SemaphoreSlim(_options.Prefetch);
        int next = -1, waiting = 0;

        void Work()
        {
            var image = new float[_dataset.Channels * _dataset.Size * _dataset.Size];
            var padded = _options.Padding > 0 ? new float[_dataset.Channels * PaddedSize * PaddedSize] : image;
            while (true)
            {
                try
                {
                    if (!slots.Wait(0, stop.Token))
                    {
                        WorkersWaitingForASlot?.Invoke(Interlocked.Increment(ref waiting));
                        try { slots.Wait(stop.Token); }
                        finally { Interlocked.Decrement(ref waiting); }
                    }
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                // Batches are claimed in order after taking a slot, so the oldest unfinished batch always holds one.
                int b = Interlocked.Increment(ref next);
                if (b >= batches)
                {
                    slots.Release();
                    return;
                }
                try
                {
                    results[b].SetResult(Build(order, b, epoch, image, padded));
                }
                catch (Exception e)
                {
                    results[b].SetException(e);
                }
            }
        }

        var workers = Enumerable.Range(0, Math.Min(_options.Workers, Math.Max(1, batches)))
            .Select(_ => Task.Factory.StartNew(Work, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();
        try
        {
            for (int b = 0; b < batches; b++)
            {
                if (!Built(results[b].Task, cancellationToken)) yield break;
                var batch = results[b].Task.GetAwaiter().GetResult();
                results[b] = null!; // let the consumer's batch be collected once it is done with it
                yield return batch;
                slots.Release();
            }
        }
        finally
        {
            stop.Cancel();
            Task.WaitAll(workers);
        }
    }

    private int PaddedSize => _dataset.Size + 2 * _options.Padding;

    private Batch Build(int[] order, int b, int epoch, float[] image, float[] padded)
    {
        int start = b * _options.BatchSize, count = Math.Min(_options.BatchSize, order.Length - start);
        int c = _dataset.Channels, r = PaddedSize, s = _options.CropSize, crops = CropsPerImage;
        int one = c * s * s;
        var images = new float[(long)count * crops * one];
        var labels = new int[count];
        var indices = new int[count];
        bool pca = _options.Pca is not null && _options.Mode == CropMode.Random && c == 3;
        for (int n = 0; n < count; n++)
        {
            int index = order[start + n];
            indices[n] = index;
            labels[n] = _dataset.GetLabel(index);
            _dataset.ReadImage(index, image);
            _options.Mean?.Normalise(image);
            if (_options.Padding > 0) Pad(image, c, _dataset.Size, _options.Padding, padded); // zero = the mean once it is subtracted
            var dest = images.AsSpan(n * crops * one, crops * one);
            if (_options.Mode == CropMode.Random)
            {
                var random = SplitMix64.For(_options.Seed, epoch, index);
                Crops.DrawRandom(ref random, r, s).Cut(padded, c, r, s, dest);
                if (pca) PcaLighting.Apply(dest, s * s, _options.Pca!.DrawShift(ref random));
                if (_options.RandomErasing > 0) RandomErasing.Apply(dest, c, s, RandomErasing.Draw(ref random, _options.RandomErasing, s));
            }
            else
            {
                var windows = CropWindow.For(_options.Mode, r, s);
                for (int k = 0; k < windows.Count; k++) windows[k].Cut(padded, c, r, s, dest.Slice(k * one, one));
            }
        }
        return new Batch(images, labels, count, indices, crops);
    }

    /// <summary>Copies a C×R×R image into the middle of a C×(R + 2p)×(R + 2p) one whose border stays zero.</summary>
    internal static void Pad(ReadOnlySpan<float> image, int channels, int size, int padding, Span<float> padded)
    {
        int side = size + 2 * padding;
        padded.Clear();
        for (int ch = 0; ch < channels; ch++)
            for (int row = 0; row < size; row++)
                image.Slice((ch * size + row) * size, size).CopyTo(padded.Slice((ch * side + row + padding) * side + padding, size));
    }
}
