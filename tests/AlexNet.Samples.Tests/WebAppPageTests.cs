using System.Globalization;
using System.Text.Json;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;

namespace AlexNet.Samples.Tests;

/// <summary>
/// The page at <c>/</c> in a real headless browser (Debian's chromium and chromedriver, which .ci/run installs): a
/// vendored photo is picked through the page's file input, and the bars it draws are read back from the DOM. The app
/// runs with dynamic batching on, so the page's request goes through the batcher.
/// </summary>
[TestClass]
public sealed class WebAppPageTests
{
    private const string Chromium = "/usr/bin/chromium", ChromeDriver = "/usr/bin/chromedriver";

    [TestMethod]
    public void Picking_a_photo_on_the_page_draws_its_top_five_classes_as_bars()
    {
        if (!File.Exists(Chromium) || !File.Exists(ChromeDriver))
            Assert.Inconclusive($"{Chromium} or {ChromeDriver} is missing: install Debian's chromium and chromium-driver (.ci/run does).");
        using var app = WebAppProcess.Start(QuickStartRun.Result.OnnxModel, QuickStartRun.Folder, null, "--max-batch-size", "4");
        app.WaitForOutput("batches of up to 4, ");
        var photo = TestPhotos.Path("chelsea.png");
        using var profile = new TempProfile();
        var options = new ChromeOptions { BinaryLocation = Chromium };
        // Headless, and nothing that reaches for the network: this machine has none, and Chromium retries loudly.
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
            $"--user-data-dir={Path.Combine(profile.Path, "profile")}");
        using var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(ChromeDriver)!, Path.GetFileName(ChromeDriver));
        service.SuppressInitialDiagnosticInformation = true;
        service.LogPath = Path.Combine(profile.Path, "chromedriver.log");
        // Chromium puts a UNIX socket in TMPDIR, and a socket path may not pass 107 bytes: the test process's own
        // TMPDIR (nested in CI's) is too deep, so the browser gets the short profile folder as its temp folder.
        service.DriverProcessStarting += (_, e) => e.DriverServiceProcessStartInfo.Environment["TMPDIR"] = profile.Path;
        using var browser = Launch(service, options);

        browser.Navigate().GoToUrl(app.Http.BaseAddress!);
        browser.FindElement(By.Id("file")).SendKeys(photo);
        new WebDriverWait(browser, TimeSpan.FromSeconds(60)).Until(b => b.FindElement(By.Id("top")).GetAttribute("data-done") == "true");

        var bars = browser.FindElements(By.CssSelector("#top li")).Select(li => (
            Label: li.GetAttribute("data-label"),
            Score: double.Parse(li.GetAttribute("data-score")!, CultureInfo.InvariantCulture),
            Width: li.FindElement(By.CssSelector(".bar")).GetAttribute("style"))).ToArray();
        Assert.AreEqual("", browser.FindElement(By.Id("error")).Text);
        Assert.IsTrue(browser.FindElement(By.Id("preview")).Displayed, "the picked image is shown");
        var subtitle = browser.FindElement(By.Id("model"));
        Assert.AreEqual("model.onnx (10 classes)", subtitle.Text);
        // The subtitle ends above the drop zone's border, which once overlapped it.
        var (subtitleBottom, dropTop) = (subtitle.Location.Y + subtitle.Size.Height, browser.FindElement(By.Id("drop")).Location.Y);
        Assert.IsLessThanOrEqualTo(dropTop, subtitleBottom, $"subtitle ends at y={subtitleBottom}, drop zone starts at y={dropTop}");

        // The same photo posted directly: the page shows the API's five best classes, best first, as bars of their width.
        using var body = new ByteArrayContent(File.ReadAllBytes(photo));
        body.Headers.ContentType = new("application/octet-stream");
        var top = JsonDocument.Parse(app.Http.PostAsync("/classify?top=5", body).Result.Content.ReadAsStringAsync().Result).RootElement.GetProperty("top")
            .EnumerateArray().Select(t => (Label: t.GetProperty("label").GetString(), Score: t.GetProperty("score").GetDouble())).ToArray();
        Assert.HasCount(5, bars);
        CollectionAssert.AreEqual(top.Select(t => t.Label).ToArray(), bars.Select(b => b.Label).ToArray());
        for (int i = 0; i < 5; i++)
        {
            Assert.AreEqual(top[i].Score, bars[i].Score, 1e-6, bars[i].Label);
            var width = System.Text.RegularExpressions.Regex.Match(bars[i].Width ?? "", @"width: ([\d.]+)%");
            Assert.IsTrue(width.Success, bars[i].Width);
            Assert.AreEqual(100 * top[i].Score, double.Parse(width.Groups[1].Value, CultureInfo.InvariantCulture), 0.005 + 1e-9, $"{bars[i].Label}'s bar");
        }
    }

    // When Chromium will not start, chromedriver's log says why; the exception alone does not.
    private static ChromeDriver Launch(ChromeDriverService service, ChromeOptions options)
    {
        try { return new ChromeDriver(service, options, TimeSpan.FromSeconds(60)); }
        catch (Exception e) when (e is WebDriverException or InvalidOperationException)
        {
            var log = File.Exists(service.LogPath) ? File.ReadAllLines(service.LogPath) : [];
            throw new AssertFailedException($"{e.Message}\nchromedriver's log ends:\n{string.Join('\n', log.TakeLast(40))}", e);
        }
    }

    // Directly under /tmp, not TMPDIR: see the socket-path note above.
    private sealed class TempProfile : IDisposable
    {
        public string Path { get; } = Directory.CreateDirectory($"/tmp/alexnet-chromium-{Guid.NewGuid():N}"[..30]).FullName;
        public void Dispose()
        {
            try { Directory.Delete(Path, recursive: true); } catch (IOException) { } // Chromium may still be writing as it exits
        }
    }
}
