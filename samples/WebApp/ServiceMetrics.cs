using Prometheus;

namespace AlexNet.Samples.WebApp;

/// <summary>
/// The service's own Prometheus metrics, beside prometheus-net's HTTP ones (<c>http_requests_received_total</c> by
/// status code and endpoint, <c>http_request_duration_seconds</c>) and its process ones, all served at <c>/metrics</c>.
/// </summary>
public sealed class ServiceMetrics
{
    private readonly Histogram _batchSize;

    /// <summary>Registers the metrics.</summary>
    /// <param name="registry">Where they are collected from.</param>
    /// <param name="classifier">The model, named by <c>alexnet_model_info</c>.</param>
    /// <param name="queueLength">Requests waiting now, read at each scrape.</param>
    /// <param name="maxBatchSize">The largest batch, for the histogram's buckets.</param>
    public ServiceMetrics(CollectorRegistry registry, ImageClassifier classifier, Func<int> queueLength, int maxBatchSize)
    {
        var factory = Metrics.WithCustomRegistry(registry);
        // An info metric, as Prometheus names them: constant 1, the facts in its labels, joined onto others by replica.
        factory.CreateGauge("alexnet_model_info", "The model served: file name, SHA-256 of the file, preset.",
            "name", "sha256", "preset").WithLabels(classifier.ModelName, classifier.ModelSha256, classifier.Preset ?? "").Set(1);
        var queue = factory.CreateGauge("alexnet_queue_length", "Requests waiting for the dynamic batcher (0 with batching off).");
        registry.AddBeforeCollectCallback(() => queue.Set(queueLength()));
        _batchSize = factory.CreateHistogram("alexnet_batch_size", "Images per ONNX Runtime run (1 with batching off).",
            new HistogramConfiguration { Buckets = Buckets(maxBatchSize) });
    }

    /// <summary>Counts one ONNX Runtime run of <paramref name="size"/> images.</summary>
    public void BatchScored(int size) => _batchSize.Observe(size);

    // Every power of two up to the largest batch, and the largest itself, so a full batch has a bucket of its own.
    private static double[] Buckets(int max)
    {
        var buckets = new SortedSet<double> { max };
        for (int b = 1; b < max; b *= 2) buckets.Add(b);
        return [.. buckets];
    }
}
