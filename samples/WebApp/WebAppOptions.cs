using System.CommandLine;

namespace AlexNet.Samples.WebApp;

/// <summary>The web service's command line: which model it serves, where it listens, how it batches and its limits.</summary>
public sealed record WebAppOptions
{
    /// <summary>The default address: loopback only, so a first run is not reachable from the network.</summary>
    public const string DefaultUrls = "http://127.0.0.1:5080";

    /// <summary>A model.onnx exported by AlexNet.Training (the QuickStart writes one).</summary>
    public string Model { get; init; } = "runs/quickstart/model.onnx";
    /// <summary>Addresses to listen on, separated by ';'; null takes ASP.NET Core's own setting (ASPNETCORE_URLS),
    /// or <see cref="DefaultUrls"/> without one.</summary>
    public string? Urls { get; init; }
    /// <summary>
    /// Most requests scored in one ONNX Runtime run by the dynamic batcher; 1 turns batching off and scores each
    /// request on its own prediction engine from a pool. The default is 1 by measurement (docs/BENCHMARKS.md, "The web
    /// service under load"): on a 2-core CPU batches of 4 were behind the pool at 16 clients and ahead at 64 in four
    /// runs of five, since each image's ten crops already make a run a batch of ten and four images per run saved only
    /// 7 % of ONNX Runtime's time per image (small preset), less than ML.NET's per-batch data view and cursors cost.
    /// Raise it for many concurrent clients, or where one run leaves the device idle between requests (a GPU).
    /// </summary>
    public int MaxBatchSize { get; init; } = 1;
    /// <summary>
    /// Longest a batch's first request waits for others to join it while an instance is free, in milliseconds
    /// (Triton's <c>max_queue_delay_microseconds</c>); a request alone is held no longer. The default, 0, is Triton's;
    /// against 2 and 5 ms it served more at one client and as much under load, where batches fill from the requests
    /// that queue while every instance is busy (2.9 images per run at 0 ms as at 2 ms).
    /// </summary>
    public double MaxQueueDelayMs { get; init; }
    /// <summary>
    /// Most batches the dynamic batcher scores at once (Triton's <c>instance_group { count }</c>); the instances share
    /// the model's one ONNX Runtime session, which runs concurrent calls. The default, 2, one per core here, served up
    /// to 1.4× the requests per second of one instance at 16 clients (docs/BENCHMARKS.md); with one, a core idles
    /// while the next batch is formed and its rows are read.
    /// </summary>
    public int ModelInstances { get; init; } = 2;
    /// <summary>
    /// Threads one ONNX Runtime run may use (<c>AlexNetOptions.IntraOpThreads</c>, Triton's <c>intra_op_thread_count</c>);
    /// 0 lets ONNX Runtime choose, one per physical core. The default, 1, is by measurement: requests (or batch
    /// instances) already run side by side, and one thread per run served 1.2–1.5× the requests per second of ONNX
    /// Runtime's choice (two threads per run, which wait on each other for the cores) at 16 and 64 clients on a 2-core
    /// CPU shared with other work (docs/BENCHMARKS.md). A lone request can use both cores of an idle machine: set 0
    /// for a service that sees one request at a time on a machine of its own.
    /// </summary>
    public int IntraOpThreads { get; init; } = 1;
    /// <summary>Most requests waiting to be scored; one more is answered 503 with Retry-After.</summary>
    public int MaxQueueLength { get; init; } = 64;
    /// <summary>Largest request body in bytes (Kestrel's limit); a larger upload is answered 413. Default 16 MiB.</summary>
    public long MaxBodyBytes { get; init; } = 16 * 1024 * 1024;
    /// <summary>Largest image accepted, width × height; a larger one is answered 400 before its pixels are allocated.
    /// Default 40 megapixels (160 MB decoded), beyond any camera photo a client should send for 224-pixel crops.</summary>
    public long MaxImagePixels { get; init; } = 40_000_000;

    private static readonly WebAppOptions D = new();
    private static readonly Option<string> ModelOption = new("--model") { Description = "model.onnx exported by AlexNet.Training", DefaultValueFactory = _ => D.Model };
    private static readonly Option<string?> UrlsOption = new("--urls")
    {
        Description = $"addresses to listen on, ';' between them [default: ASPNETCORE_URLS, else {DefaultUrls}]",
    };

    private static readonly Option<int> MaxBatchSizeOption = new Option<int>("--max-batch-size")
    {
        Description = "most requests per run; 1: no batching",
        DefaultValueFactory = _ => D.MaxBatchSize,
    }.Check(v => v < 1 ? "must be 1 or more" : null);
    private static readonly Option<double> MaxQueueDelayOption = new Option<double>("--max-queue-delay-ms")
    {
        Description = "longest a batch waits for more, in ms",
        DefaultValueFactory = _ => D.MaxQueueDelayMs,
    }.Check(v => v < 0 || double.IsNaN(v) || v > 600_000 ? "must be from 0 to 600000 (ten minutes)" : null);
    private static readonly Option<int> ModelInstancesOption = new Option<int>("--model-instances")
    {
        Description = "batches scored at once (one session)",
        DefaultValueFactory = _ => D.ModelInstances,
    }.Check(v => v < 1 ? "must be 1 or more" : null);
    private static readonly Option<int> IntraOpThreadsOption = new Option<int>("--intra-op-threads")
    {
        Description = "threads per run (0: ONNX Runtime picks)",
        DefaultValueFactory = _ => D.IntraOpThreads,
    }.Check(v => v < 0 ? "must be 0 or more" : null);
    private static readonly Option<int> MaxQueueLengthOption = new Option<int>("--max-queue-length")
    {
        Description = "most requests waiting; more get 503",
        DefaultValueFactory = _ => D.MaxQueueLength,
    }.Check(v => v < 1 ? "must be 1 or more" : null);
    private static readonly Option<long> MaxBodyBytesOption = new Option<long>("--max-body-bytes")
    {
        Description = "largest request body in bytes; larger is answered 413",
        DefaultValueFactory = _ => D.MaxBodyBytes,
    }.Check(v => v < 1 ? "must be 1 or more" : null);
    private static readonly Option<long> MaxImagePixelsOption = new Option<long>("--max-image-pixels")
    {
        Description = "largest image, width x height; larger is answered 400",
        DefaultValueFactory = _ => D.MaxImagePixels,
    }.Check(v => v < 1 ? "must be 1 or more" : null);

    /// <summary>The command line.</summary>
    public static RootCommand Command() => new(
        "Serves an exported AlexNet over HTTP through ML.NET: a page at /, POST /classify (an image; ?top=K), GET /model, " +
        "/healthz, /readyz, /metrics. More: README.md, \"The web service\".")
    {
        ModelOption, UrlsOption, MaxBatchSizeOption, MaxQueueDelayOption, ModelInstancesOption, IntraOpThreadsOption, MaxQueueLengthOption, MaxBodyBytesOption, MaxImagePixelsOption,
    };

    /// <summary>The options a parsed command line gives.</summary>
    /// <param name="r">The parse result of <see cref="Command"/>.</param>
    public static WebAppOptions From(ParseResult r) => new()
    {
        Model = r.GetValue(ModelOption)!,
        Urls = r.GetValue(UrlsOption),
        MaxBatchSize = r.GetValue(MaxBatchSizeOption),
        MaxQueueDelayMs = r.GetValue(MaxQueueDelayOption),
        ModelInstances = r.GetValue(ModelInstancesOption),
        IntraOpThreads = r.GetValue(IntraOpThreadsOption),
        MaxQueueLength = r.GetValue(MaxQueueLengthOption),
        MaxBodyBytes = r.GetValue(MaxBodyBytesOption),
        MaxImagePixels = r.GetValue(MaxImagePixelsOption),
    };

    /// <summary>Parses a command line.</summary>
    /// <param name="args">Flags as listed by --help.</param>
    /// <exception cref="UsageException">An unknown flag or a bad value.</exception>
    public static WebAppOptions Parse(string[] args) => From(SampleCommandLine.Parse(Command(), args));
}
