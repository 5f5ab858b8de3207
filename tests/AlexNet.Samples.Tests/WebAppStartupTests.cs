using System.Text.RegularExpressions;
using AlexNet.Samples.WebApp;

namespace AlexNet.Samples.Tests;

/// <summary>How WebApp starts: README's command line from the repository root, a damaged or missing model, its temp folder.</summary>
[TestClass]
public sealed class WebAppStartupTests
{
    [TestMethod]
    public void Readmes_command_line_run_from_the_repository_root_serves_the_model_it_names()
    {
        // README's WebApp row, word for word but for the port: `dotnet run` must start the app where it was typed, or
        // the relative model path is looked up in samples/WebApp.
        var readme = File.ReadAllText(RepositoryFiles.Path("README.md"));
        var command = Regex.Match(readme, @"`(dotnet run --project samples/WebApp -- [^`]+)`").Groups[1].Value;
        var model = Regex.Match(command, @"--model (\S+)").Groups[1].Value;
        Assert.AreEqual("runs/quickstart/model.onnx", model, command);
        var address = WebAppProcess.FreeAddress();
        command = Regex.Replace(command, @"--urls \S+", $"--urls {address.ToString().TrimEnd('/')}");

        var target = RepositoryFiles.Path(model.Split('/'));
        var created = Directory.Exists(RepositoryFiles.Path("runs")) ? null : RepositoryFiles.Path("runs");
        bool placed = !File.Exists(target); // a model from a real QuickStart run stays as it is
        if (placed)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(QuickStartRun.Result.OnnxModel, target);
        }
        try
        {
            using var app = WebAppProcess.Command(command, RepositoryFiles.Root, address, TimeSpan.FromMinutes(3));
            // The path is in the server's log, not in its answers (GET /model gives the file's name only).
            app.WaitForOutput($"serving {target} ");
        }
        finally
        {
            if (placed) File.Delete(target);
            if (created is not null) Directory.Delete(created, recursive: true);
        }
    }

    [TestMethod]
    public void A_model_that_fails_its_checksum_is_reported_without_the_hint_to_train_one()
    {
        var damaged = Path.Combine(QuickStartRun.Folder, "damaged.onnx");
        var bytes = File.ReadAllBytes(QuickStartRun.Result.OnnxModel);
        bytes[bytes.Length / 2] ^= 0x5A; // inside the weights
        File.WriteAllBytes(damaged, bytes);

        var (code, output) = WebAppProcess.RunToExit(damaged);

        Assert.AreEqual(1, code, output);
        StringAssert.Contains(output, $"error: {damaged}: ");
        StringAssert.Contains(output, "checksum");
        Assert.DoesNotContain("Train and export one first", output);
    }

    [TestMethod]
    public void A_missing_model_is_reported_with_the_hint_to_train_one()
    {
        var missing = Path.Combine(QuickStartRun.Folder, "no-such-model.onnx");

        var (code, output) = WebAppProcess.RunToExit(missing);

        Assert.AreEqual(1, code, output);
        StringAssert.Contains(output, $"error: {missing}: the model file does not exist.");
        StringAssert.Contains(output, "Train and export one first (dotnet run --project samples/QuickStart)");
    }

    [TestMethod]
    public void Uploads_are_classified_in_memory_and_leave_the_temp_folder_untouched()
    {
        // Any file created or deleted in a folder changes the folder's modification time, so an unchanged time means no
        // upload went through a temp file. (Raw bodies: ASP.NET itself buffers large multipart forms to disk.)
        var temp = Directory.CreateDirectory(Path.Combine(QuickStartRun.Folder, "webapp-temp")).FullName;
        using var app = WebAppProcess.Start(QuickStartRun.Result.OnnxModel, QuickStartRun.Folder, new Dictionary<string, string> { ["TMPDIR"] = temp });
        var (changed, files) = (Directory.GetLastWriteTimeUtc(temp), Directory.GetFiles(temp).Order().ToArray());

        foreach (var photo in new[] { "chelsea.png", "rocket.jpg", "coffee.png" })
        {
            using var body = new ByteArrayContent(File.ReadAllBytes(TestPhotos.Path(photo)));
            body.Headers.ContentType = new("application/octet-stream");
            Assert.AreEqual(System.Net.HttpStatusCode.OK, app.Http.PostAsync("/classify", body).Result.StatusCode, photo);
        }

        Assert.AreEqual(changed, Directory.GetLastWriteTimeUtc(temp), "a file came and went in the temp folder");
        CollectionAssert.AreEqual(files, Directory.GetFiles(temp).Order().ToArray());
        Assert.HasCount(1, files.Where(f => f.EndsWith(".onnx", StringComparison.Ordinal)), $"the serving graph, made at startup: {string.Join(", ", files)}");
    }

    [TestMethod]
    public void Batching_runs_on_the_measured_defaults_two_instances_and_one_thread_per_run()
    {
        var o = WebAppOptions.Parse([]);

        // docs/BENCHMARKS.md, "Profiled: where a batch's time goes, and what changed".
        Assert.AreEqual(1, o.MaxBatchSize);
        Assert.AreEqual(0, o.MaxQueueDelayMs);
        Assert.AreEqual(2, o.ModelInstances);
        Assert.AreEqual(1, o.IntraOpThreads);
    }

    [TestMethod]
    [DataRow("--model-instances", "0", "--model-instances 0: must be 1 or more.")]
    [DataRow("--intra-op-threads", "-1", "--intra-op-threads -1: must be 0 or more.")]
    public void A_thread_or_instance_count_out_of_range_is_a_usage_error_naming_the_option(string option, string value, string message)
    {
        var e = Assert.Throws<Exception>(() => WebAppOptions.Parse([option, value]));

        Assert.AreEqual("AlexNet.Samples.UsageException", e.GetType().FullName);
        Assert.AreEqual(message, e.Message);
    }
}
