using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using AlexNet.Samples.WebApp;

namespace AlexNet.Samples.Tests;

/// <summary>
/// WebApp as a service: dynamic batching over HTTP against the one-by-one route, health, readiness, metrics, limits and
/// graceful shutdown. Batches fill deterministically: the queue delay is ten minutes, so a batch goes only when it is
/// full (or at shutdown), and a test sends exactly as many good images as the batch holds.
/// </summary>
[TestClass]
public sealed class WebAppServiceTests
{
    private const string Never = "600000"; // --max-queue-delay-ms: ten minutes
    private static readonly string[] Batch = ["astronaut.png", "chelsea.png", "coffee.png"]; // 262,144 pixels at most
    private static WebAppProcess? server;

    [ClassInitialize]
    public static void Start(TestContext _) => server = WebAppProcess.Start(QuickStartRun.Result.OnnxModel, QuickStartRun.Folder, null,
        "--max-batch-size", "3", "--max-queue-delay-ms", Never, "--max-image-pixels", "265000", "--max-body-bytes", "800000");

    [ClassCleanup]
    public static void Stop() => server?.Dispose();

    [TestMethod]
    public void Concurrent_clients_are_scored_in_one_batch_equal_to_the_one_by_one_route_and_bad_uploads_fail_alone()
    {
        var (runs, images) = (Metric(server!, "alexnet_batch_size_count"), Metric(server!, "alexnet_batch_size_sum"));
        // Five clients at once: three good photos fill the batch of three; a truncated file and a photo over the pixel
        // limit (rocket.jpg, 427x640) are answered 400 without taking a place in it, or the batch would never fill.
        var posts = Batch.Concat(["truncated.jpg", "rocket.jpg"]).Select(photo => Task.Run(() => Post(server!, photo))).ToArray();
        var answers = Task.WhenAll(posts).Result;

        using var oneByOne = new ImageClassifier(QuickStartRun.Result.OnnxModel, maxBatchSize: 1);
        for (int i = 0; i < Batch.Length; i++)
        {
            Assert.AreEqual(HttpStatusCode.OK, answers[i].Status, answers[i].Body);
            var expected = oneByOne.Classify(File.ReadAllBytes(TestPhotos.Path(Batch[i])), Batch[i], top: 3);
            var scores = Scores(answers[i].Body);
            Assert.HasCount(expected.Scores.Count, scores);
            for (int k = 0; k < scores.Length; k++) Assert.AreEqual(expected.Scores[k].Score, scores[k], 1e-5, $"{Batch[i]}, class {k}");
            Assert.AreEqual(expected.Label, JsonDocument.Parse(answers[i].Body).RootElement.GetProperty("label").GetString(), Batch[i]);
        }
        Assert.AreEqual(HttpStatusCode.BadRequest, answers[3].Status);
        StringAssert.Contains(answers[3].Body, "truncated");
        Assert.AreEqual(HttpStatusCode.BadRequest, answers[4].Status);
        StringAssert.Contains(answers[4].Body, "273,280 pixels, above the limit of 265,000");
        Assert.AreEqual(runs + 1, Metric(server!, "alexnet_batch_size_count"), "one ONNX Runtime run for the three");
        Assert.AreEqual(images + 3, Metric(server!, "alexnet_batch_size_sum"), "that run held three images");
    }

    [TestMethod]
    public void Healthz_and_readyz_answer_200_once_the_model_is_warm()
    {
        // WebAppProcess.Start waited for /readyz; the warm-up run went outside the batch metrics.
        Assert.AreEqual("ok", server!.Http.GetStringAsync("/healthz").Result);
        Assert.AreEqual("ready", server.Http.GetStringAsync("/readyz").Result);
        StringAssert.Contains(server.Output, "ready");
    }

    [TestMethod]
    public void Model_names_the_file_and_its_checksum_but_not_the_servers_path()
    {
        var text = server!.Http.GetStringAsync("/model").Result;
        var json = JsonDocument.Parse(text).RootElement;

        Assert.AreEqual("model.onnx", json.GetProperty("name").GetString());
        Assert.AreEqual(FileSha256(QuickStartRun.Result.OnnxModel), json.GetProperty("sha256").GetString());
        Assert.AreEqual(10, json.GetProperty("labels").GetArrayLength());
        Assert.DoesNotContain(Path.GetDirectoryName(QuickStartRun.Result.OnnxModel)!, text);
        Assert.DoesNotContain(QuickStartRun.Folder, text);
    }

    [TestMethod]
    public void Metrics_name_the_model_and_count_requests_by_status_with_their_latency()
    {
        using var empty = new ByteArrayContent([]);
        empty.Headers.ContentType = new("application/octet-stream");
        Assert.AreEqual(HttpStatusCode.BadRequest, server!.Http.PostAsync("/classify", empty).Result.StatusCode);

        var metrics = server.Http.GetStringAsync("/metrics").Result;

        StringAssert.Contains(metrics, $"alexnet_model_info{{name=\"model.onnx\",sha256=\"{FileSha256(QuickStartRun.Result.OnnxModel)}\",preset=\"small\"}} 1");
        Assert.AreEqual(0, Metric(metrics, "alexnet_queue_length"));
        Assert.IsGreaterThanOrEqualTo(1, Metric(metrics, "http_requests_received_total", "code=\"400\"", "method=\"POST\"", "endpoint=\"/classify\""));
        Assert.IsGreaterThanOrEqualTo(1, Metric(metrics, "http_request_duration_seconds_count", "code=\"400\"", "method=\"POST\"", "endpoint=\"/classify\""));
    }

    [TestMethod]
    public void A_body_over_the_limit_is_a_413_that_names_the_option()
    {
        using var body = new ByteArrayContent(new byte[800_001]);
        body.Headers.ContentType = new("application/octet-stream");
        var response = server!.Http.PostAsync("/classify", body).Result;
        var text = response.Content.ReadAsStringAsync().Result;
        Assert.AreEqual(HttpStatusCode.RequestEntityTooLarge, response.StatusCode, text);
        StringAssert.Contains(text, "larger than 800000 bytes (--max-body-bytes)");
    }

    [TestMethod]
    public void A_request_past_the_queue_length_is_a_503_and_shutdown_answers_the_waiting_ones_then_exits()
    {
        // A batch of three that two requests never fill: they wait until the shutdown scores them.
        using var app = WebAppProcess.Start(QuickStartRun.Result.OnnxModel, QuickStartRun.Folder, null,
            "--max-batch-size", "3", "--max-queue-delay-ms", Never, "--max-queue-length", "2");
        var waiting = Batch.Take(2).Select(photo => Task.Run(() => Post(app, photo))).ToArray();
        while (Metric(app, "alexnet_queue_length") < 2) Assert.IsFalse(Task.WaitAny(waiting, 100) >= 0, "a request was answered before its batch filled");

        var refused = Post(app, Batch[2]);
        Assert.AreEqual(HttpStatusCode.ServiceUnavailable, refused.Status, refused.Body);
        StringAssert.Contains(refused.Body, "2 requests are already waiting (--max-queue-length)");

        app.Terminate();
        var answers = Task.WhenAll(waiting).Result;

        foreach (var a in answers) Assert.AreEqual(HttpStatusCode.OK, a.Status, a.Body);
        Assert.AreEqual(0, app.WaitForExit(TimeSpan.FromMinutes(1)), app.Output);
        Assert.Throws<Exception>(() => app.Http.GetAsync("/healthz").Result, "the port is closed once the service has stopped");
    }

    private static (HttpStatusCode Status, string Body) Post(WebAppProcess app, string photo)
    {
        using var body = new ByteArrayContent(File.ReadAllBytes(TestPhotos.Path(photo)));
        body.Headers.ContentType = new("application/octet-stream");
        var response = app.Http.PostAsync("/classify?top=3", body).Result;
        return (response.StatusCode, response.Content.ReadAsStringAsync().Result);
    }

    private static float[] Scores(string body) =>
        [.. JsonDocument.Parse(body).RootElement.GetProperty("scores").EnumerateArray().Select(s => s.GetProperty("score").GetSingle())];

    private static string FileSha256(string path)
    {
        using var file = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(file));
    }

    private static double Metric(WebAppProcess app, string name, params string[] labels) =>
        Metric(app.Http.GetStringAsync("/metrics").Result, name, labels);

    // The value of the one sample of `name` whose labels include all of `labels`, from Prometheus's text format.
    private static double Metric(string metrics, string name, params string[] labels)
    {
        var samples = metrics.Split('\n')
            .Select(line => Regex.Match(line, @"^(\w+)(\{[^}]*\})? (\S+)$"))
            .Where(m => m.Success && m.Groups[1].Value == name && labels.All(l => m.Groups[2].Value.Contains(l, StringComparison.Ordinal)))
            .ToArray();
        Assert.HasCount(1, samples, $"{name} {string.Join(",", labels)} in\n{metrics}");
        return double.Parse(samples[0].Groups[3].Value, CultureInfo.InvariantCulture);
    }
}
