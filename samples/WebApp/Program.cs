using System.Globalization;
using AlexNet.MLNet.Images;
using AlexNet.Onnx;
using AlexNet.Onnx.Imaging;
using AlexNet.Samples;
using AlexNet.Samples.WebApp;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.ML.Data;
using Prometheus;

// dotnet run --project samples/WebApp -- --model runs/quickstart/model.onnx --urls http://127.0.0.1:5080
// (WebApp.csproj runs the app in the folder `dotnet run` was started from, so a relative --model means what it says.)
return SampleCommandLine.Run(WebAppOptions.Command(), args, r => Serve(WebAppOptions.From(r)));

static int Serve(WebAppOptions options)
{
    var builder = WebApplication.CreateBuilder();
    if (options.Urls != null) builder.WebHost.UseUrls(options.Urls);
    else if (string.IsNullOrEmpty(builder.Configuration["urls"])) builder.WebHost.UseUrls(WebAppOptions.DefaultUrls);
    // A line per request, ASP.NET Core's default without an appsettings.json, costs more than it tells under load; the
    // project templates' setting. Lifetime messages (listening, shutting down) stay.
    builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
    builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = options.MaxBodyBytes);
    builder.Services.Configure<FormOptions>(f => f.MultipartBodyLengthLimit = options.MaxBodyBytes);
    var modelPath = Path.GetFullPath(options.Model);

    ImageClassifier classifier;
    try
    {
        classifier = new ImageClassifier(modelPath, options.MaxBatchSize, options.IntraOpThreads);
    }
    catch (ModelFileException e)
    {
        Console.Error.WriteLine($"error: {e.Message}");
        if (!File.Exists(e.FilePath))
            Console.Error.WriteLine("Train and export one first (dotnet run --project samples/QuickStart), or pass --model <model.onnx>.");
        return 1;
    }
    builder.Services.AddSingleton(classifier);

    // prometheus-net's own HTTP and process metrics and ours; .NET's meters and event counters would triple the page.
    Metrics.SuppressDefaultMetrics(new SuppressDefaultMetricOptions { SuppressMeters = true, SuppressEventCounters = true });
    // Batching off (--max-batch-size 1): every request on its own engine from the pool, as before batching.
    ServiceMetrics? metrics = null;
    var batcher = options.MaxBatchSize == 1 ? null : new DynamicBatcher<MLImage, ImageClassifier.ScoreRow>(
        classifier.ScoreBatch, options.MaxBatchSize, TimeSpan.FromMilliseconds(options.MaxQueueDelayMs), options.MaxQueueLength,
        size => metrics!.BatchScored(size), options.ModelInstances);
    metrics = new ServiceMetrics(Metrics.DefaultRegistry, classifier, () => batcher?.QueueLength ?? 0, options.MaxBatchSize);
    var decoding = new ImageDecodeOptions { MaxPixels = options.MaxImagePixels };

    var app = builder.Build();
    int ready = 0; // 1 once a warm-up run has gone through the route requests take; 0 again when shutting down
    app.Lifetime.ApplicationStarted.Register(() => Task.Run(() =>
    {
        // The first run builds ONNX Runtime's kernels and buffers (seconds for the paper preset): do it before a
        // load balancer sends traffic, on the path requests take, and outside the metrics.
        using var image = MLImage.CreateFromPixels(8, 8, MLPixelFormat.Rgba32, new byte[8 * 8 * 4]);
        if (batcher is null) classifier.Score(image); else classifier.ScoreBatch([image]);
        Interlocked.CompareExchange(ref ready, 1, 0);
        Console.WriteLine("ready");
    }));
    app.Lifetime.ApplicationStopping.Register(() =>
    {
        // Before Kestrel waits for in-flight requests: not ready, refuse new work, score what is queued without delay.
        Volatile.Write(ref ready, -1);
        batcher?.Complete();
    });

    app.UseHttpMetrics();
    app.MapMetrics("/metrics");
    app.MapGet("/healthz", () => Results.Text("ok"));
    app.MapGet("/readyz", () => Volatile.Read(ref ready) == 1 ? Results.Text("ready")
        : Results.Text(Volatile.Read(ref ready) == 0 ? "warming up" : "shutting down", statusCode: StatusCodes.Status503ServiceUnavailable));
    app.MapGet("/", () => Results.Content(Page.Html, "text/html; charset=utf-8"));
    // The file's name and checksum, not its path: where the server keeps its files is none of a client's business.
    app.MapGet("/model", (ImageClassifier c) => Results.Ok(new { name = c.ModelName, sha256 = c.ModelSha256, preset = c.Preset, labels = c.Labels }));

    // An image as multipart/form-data (any file field) or as the raw request body; ?top=k lists the k best classes.
    app.MapPost("/classify", async (HttpRequest request, HttpResponse response, ImageClassifier c) =>
    {
        // Read by hand: a bound int? answers "?top=abc" with an empty 400.
        int top = Math.Min(5, c.Labels.Count);
        if (request.Query.TryGetValue("top", out var topText))
        {
            if (!int.TryParse(topText, NumberStyles.None, CultureInfo.InvariantCulture, out top) || top < 1 || top > c.Labels.Count)
                return Error($"top must be a whole number from 1 to {c.Labels.Count} (the model's classes); got '{topText}'.");
        }

        byte[] bytes;
        string name;
        try
        {
            if (request.HasFormContentType)
            {
                var form = await request.ReadFormAsync();
                var file = form.Files.FirstOrDefault();
                if (file == null) return Error("The form holds no file; send the image as a file field or as the raw body.");
                using var buffer = new MemoryStream();
                await file.CopyToAsync(buffer);
                (bytes, name) = (buffer.ToArray(), string.IsNullOrEmpty(file.FileName) ? file.Name : file.FileName);
            }
            else
            {
                using var buffer = new MemoryStream();
                await request.Body.CopyToAsync(buffer);
                (bytes, name) = (buffer.ToArray(), "request body");
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Results.Json(new { error = $"The upload is larger than {options.MaxBodyBytes} bytes (--max-body-bytes)." },
                statusCode: StatusCodes.Status413PayloadTooLarge);
        }
        catch (InvalidDataException e) when (e.Message.Contains("limit", StringComparison.OrdinalIgnoreCase))
        {
            // A multipart section over FormOptions' limit (the same --max-body-bytes).
            return Results.Json(new { error = $"The upload is larger than {options.MaxBodyBytes} bytes (--max-body-bytes): {e.Message}" },
                statusCode: StatusCodes.Status413PayloadTooLarge);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException)
        {
            return Error($"The upload could not be read: {e.Message}");
        }

        // Decoded here, before the queue, so a bad upload fails alone and never takes a place in a batch.
        MLImage image;
        try
        {
            image = ImageInput.Decode(bytes, name, decoding);
        }
        catch (ImageDecodeException e)
        {
            return Error($"{e.Path} is not a usable image: {e.Reason}");
        }
        using (image)
        {
            if (batcher is null)
            {
                var scores = c.Score(image);
                metrics.BatchScored(1);
                return Results.Ok(c.Answer(scores, top));
            }
            try
            {
                return Results.Ok(c.Answer(await batcher.ScoreAsync(image), top));
            }
            catch (BatcherRefusedException e)
            {
                response.Headers.RetryAfter = "1";
                return Results.Json(new { error = e.Message }, statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        }
    }).DisableAntiforgery();

    Console.WriteLine($"serving {classifier.ModelPath} ({classifier.Labels.Count} classes), " +
                      (batcher is null ? "batching off" : $"batches of up to {options.MaxBatchSize}, {options.MaxQueueDelayMs} ms queue delay, " +
                                                          $"{options.ModelInstances} at once") + $", {options.IntraOpThreads} intra-op threads (0: ONNX Runtime's choice)");
    app.Run();
    // Kestrel has waited for the requests in flight; the batcher has answered every queued one by then.
    batcher?.Completion.Wait();
    classifier.Dispose(); // a registered instance is not disposed by the host; this deletes the serving graph's temp file
    return 0;
}

static IResult Error(string message) => Results.BadRequest(new { error = message });
