using System.Net;
using System.Text.Json;

namespace AlexNet.Samples.Tests;

/// <summary>The WebApp sample over HTTP: one server for the class, started on the QuickStart run's model.</summary>
[TestClass]
public sealed class WebAppTests
{
    private static WebAppProcess? server;
    private static HttpClient Http => server!.Http;

    [ClassInitialize]
    public static void Start(TestContext _) => server = WebAppProcess.Start(QuickStartRun.Result.OnnxModel, QuickStartRun.Folder);

    [ClassCleanup]
    public static void Stop() => server?.Dispose();

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
        var error = BadRequest(Http.PostAsync("/classify", form).Result);
        StringAssert.Contains(error, "truncated.jpg");
        StringAssert.Contains(error, "truncated:");
    }

    [TestMethod]
    [DataRow("abc")]
    [DataRow("-5")]
    [DataRow("0")]
    [DataRow("11")]
    [DataRow("2.5")]
    public void A_top_that_is_not_a_class_count_is_a_400_that_says_what_top_takes(string top)
    {
        using var body = new ByteArrayContent(File.ReadAllBytes(TestPhotos.Path("coffee.png")));
        body.Headers.ContentType = new("application/octet-stream");
        var error = BadRequest(Http.PostAsync($"/classify?top={top}", body).Result);
        Assert.AreEqual($"top must be a whole number from 1 to 10 (the model's classes); got '{top}'.", error);
    }

    [TestMethod]
    public void A_form_without_a_file_is_a_400_that_says_so()
    {
        using var form = new MultipartFormDataContent { { new StringContent("cat"), "caption" } };
        StringAssert.StartsWith(BadRequest(Http.PostAsync("/classify", form).Result), "The form holds no file");
    }

    [TestMethod]
    public void An_empty_body_is_a_400_that_says_it_is_empty()
    {
        using var body = new ByteArrayContent([]);
        body.Headers.ContentType = new("application/octet-stream");
        StringAssert.Contains(BadRequest(Http.PostAsync("/classify", body).Result), "request body is not a usable image: the file is empty");
    }

    [TestMethod]
    public void The_page_at_the_root_is_html_that_posts_to_classify()
    {
        var response = Http.GetAsync("/").Result;
        Assert.AreEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.AreEqual("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = response.Content.ReadAsStringAsync().Result;
        StringAssert.Contains(html, "<input id=\"file\" type=\"file\"");
        StringAssert.Contains(html, "/classify?top=");
    }

    internal static string BadRequest(HttpResponseMessage response)
    {
        var text = response.Content.ReadAsStringAsync().Result;
        Assert.AreEqual(HttpStatusCode.BadRequest, response.StatusCode, text);
        Assert.IsFalse(string.IsNullOrWhiteSpace(text), "a 400 says what is wrong");
        return JsonDocument.Parse(text).RootElement.GetProperty("error").GetString()!;
    }

    private static void CheckAnswer(HttpResponseMessage response, int top)
    {
        var text = response.Content.ReadAsStringAsync().Result;
        Assert.AreEqual(HttpStatusCode.OK, response.StatusCode, text);
        var json = JsonDocument.Parse(text).RootElement;
        var label = json.GetProperty("label").GetString();
        CollectionAssert.Contains(server!.Labels, label);
        var scores = json.GetProperty("scores").EnumerateArray().Select(s => (Label: s.GetProperty("label").GetString(), Score: s.GetProperty("score").GetDouble())).ToArray();
        CollectionAssert.AreEqual(server.Labels, scores.Select(s => s.Label).ToArray());
        Assert.AreEqual(1.0, scores.Sum(s => s.Score), 1e-4);
        var best = json.GetProperty("top").EnumerateArray().Select(s => s.GetProperty("score").GetDouble()).ToArray();
        Assert.HasCount(top, best);
        Assert.AreEqual(scores.Max(s => s.Score), best[0], 1e-7);
        Assert.AreEqual(label, scores.MaxBy(s => s.Score).Label);
    }
}
