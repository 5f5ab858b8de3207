using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace AlexNet.Samples.Tests;

/// <summary>Starts the WebApp sample as a child process on a free loopback port and talks HTTP to it.</summary>
[TestClass]
public sealed class WebAppTests
{
    private static Process? server;
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(60) };
    private static string[] labels = [];

    [ClassInitialize]
    public static void Start(TestContext _)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        Http.BaseAddress = new Uri($"http://127.0.0.1:{port}");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = QuickStartRun.Folder };
        foreach (var a in new[] { WebAppDll(), "--urls", Http.BaseAddress.ToString().TrimEnd('/'), "--model", QuickStartRun.Result.OnnxModel })
            info.ArgumentList.Add(a);
        server = Process.Start(info)!;
        server.OutputDataReceived += (_, _) => { };
        server.ErrorDataReceived += (_, _) => { };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            if (server.HasExited) Assert.Fail($"WebApp exited with code {server.ExitCode} before answering.");
            try
            {
                var info0 = JsonDocument.Parse(Http.GetStringAsync("/").Result).RootElement;
                labels = info0.GetProperty("labels").EnumerateArray().Select(l => l.GetString()!).ToArray();
                return;
            }
            catch (AggregateException) when (DateTime.UtcNow < deadline) { Thread.Sleep(250); }
        }
    }

    [ClassCleanup]
    public static void Stop()
    {
        if (server is { HasExited: false }) { server.Kill(entireProcessTree: true); server.WaitForExit(10_000); }
        server?.Dispose();
    }

    [TestMethod]
    [DataRow("chelsea.png")]
    [DataRow("coffee.png")]
    public void Raw_photo_gets_a_known_label_and_scores_that_sum_to_one(string photo)
    {
        using var body = new ByteArrayContent(File.ReadAllBytes(TestPhotos.Path(photo)));
        body.Headers.ContentType = new("application/octet-stream");
        CheckAnswer(Http.PostAsync("/classify?top=3", body).Result, top: 3);
    }

    [TestMethod]
    public void Multipart_jpeg_upload_is_classified_too()
    {
        var jpeg = Directory.GetFiles(TestPhotos.Folder, "*.jpg").First(f => !f.EndsWith("truncated.jpg", StringComparison.Ordinal));
        using var form = new MultipartFormDataContent { { new ByteArrayContent(File.ReadAllBytes(jpeg)), "image", Path.GetFileName(jpeg) } };
        CheckAnswer(Http.PostAsync("/classify", form).Result, top: 5);
    }

    [TestMethod]
    public void Truncated_jpeg_is_a_400_that_names_the_upload_and_says_it_is_truncated()
    {
        using var form = new MultipartFormDataContent { { new ByteArrayContent(File.ReadAllBytes(TestPhotos.Path("truncated.jpg"))), "image", "truncated.jpg" } };
        var response = Http.PostAsync("/classify", form).Result;
        Assert.AreEqual(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonDocument.Parse(response.Content.ReadAsStringAsync().Result).RootElement.GetProperty("error").GetString()!;
        StringAssert.Contains(error, "truncated.jpg");
        StringAssert.Contains(error, "truncated:");
    }

    private static void CheckAnswer(HttpResponseMessage response, int top)
    {
        var text = response.Content.ReadAsStringAsync().Result;
        Assert.AreEqual(HttpStatusCode.OK, response.StatusCode, text);
        var json = JsonDocument.Parse(text).RootElement;
        var label = json.GetProperty("label").GetString();
        CollectionAssert.Contains(labels, label);
        var scores = json.GetProperty("scores").EnumerateArray().Select(s => (Label: s.GetProperty("label").GetString(), Score: s.GetProperty("score").GetDouble())).ToArray();
        CollectionAssert.AreEqual(labels, scores.Select(s => s.Label).ToArray());
        Assert.AreEqual(1.0, scores.Sum(s => s.Score), 1e-4);
        var best = json.GetProperty("top").EnumerateArray().Select(s => s.GetProperty("score").GetDouble()).ToArray();
        Assert.HasCount(top, best);
        Assert.AreEqual(scores.Max(s => s.Score), best[0], 1e-7);
        Assert.AreEqual(label, scores.MaxBy(s => s.Score).Label);
    }

    private static string WebAppDll()
    {
#if DEBUG
        const string configuration = "Debug";
#else
        const string configuration = "Release";
#endif
        var dll = Path.Combine(RepositoryFiles.Root, "samples", "WebApp", "bin", configuration, "net10.0", "WebApp.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"Build samples/WebApp first: {dll} is missing.", dll);
    }
}
