using AlexNet.Onnx.Imaging;
using AlexNet.Bench.Harness;
using AlexNet.Training.Data;

namespace AlexNet.Bench.Training;

/// <summary>The <see cref="BatchLoader"/> alone, with the trainer's settings and nothing consuming but this loop: how fast batches can arrive.</summary>
public sealed class LoaderAlone : BenchCase
{
    private readonly BatchLoader _loader;
    private readonly int _workers;
    private IEnumerator<Batch> _batches;
    private int _epoch;

    /// <summary>Creates the loader.</summary>
    /// <param name="data">Images, mean, PCA, architecture.</param>
    /// <param name="batchSize">128.</param>
    /// <param name="workers">Loader threads.</param>
    public LoaderAlone(BenchTrainingData data, int batchSize = 128, int workers = 2)
    {
        _workers = workers;
        _loader = new BatchLoader(data.Dataset, null, new BatchLoaderOptions
        {
            BatchSize = batchSize, CropSize = data.Architecture.InputSize, Mode = CropMode.Random, Mean = data.Mean, Pca = data.Pca,
            Seed = 2, Workers = workers,
        });
        _batches = _loader.Epoch(0).GetEnumerator();
    }

    /// <inheritdoc/>
    public override string Key => $"loader.w{_workers}";
    /// <inheritdoc/>
    public override string Description => $"BatchLoader alone (the trainer's settings: random crops, flips, mean, PCA for RGB), {_workers} workers";

    /// <inheritdoc/>
    protected override double Step()
    {
        while (!_batches.MoveNext())
        {
            _batches.Dispose();
            _batches = _loader.Epoch(++_epoch).GetEnumerator();
        }
        return _batches.Current.Count;
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        _batches.Dispose();
        base.Dispose();
    }
}
