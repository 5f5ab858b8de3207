using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace AlexNet.Samples.Tests;

/// <summary>
/// The WebApp sample as a child process on a free loopback port: started from its build output (or by a command line
/// given whole), ready once GET /readyz answers 200 (its warm-up run done), killed with its process tree on dispose.
/// </summary>
internal sealed class WebAppProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    public HttpClient Http { get; }
    public string[] Labels { get; private set; } = [];
    /// <summary>The model's name as GET /model gives it.</summary>
    public string ModelName { get; private set; } = "";
    public string Output { get { lock (_output) return _output.ToString(); } }

    private WebAppProcess(ProcessStartInfo info, Uri address)
    {
        info.RedirectStandardOutput = info.RedirectStandardError = true;
        Http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
        _process = Process.Start(info)!;
        _process.OutputDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Starts WebApp.dll with the given model, in <paramref name="workingDirectory"/>, with extra environment variables and flags.</summary>
    public static WebAppProcess Start(string model, string workingDirectory, IReadOnlyDictionary<string, string>? environment = null, params string[] flags)
    {
        var address = FreeAddress();
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory };
        foreach (var a in new[] { Dll(), "--urls", address.ToString().TrimEnd('/'), "--model", model }.Concat(flags)) info.ArgumentList.Add(a);
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) info.Environment[k] = v;
        return Ready(new WebAppProcess(info, address));
    }

    /// <summary>Runs a command line (split on spaces) in <paramref name="workingDirectory"/> and waits until it serves <paramref name="address"/>.</summary>
    public static WebAppProcess Command(string commandLine, string workingDirectory, Uri address, TimeSpan patience)
    {
        var parts = commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var info = new ProcessStartInfo(parts[0]) { WorkingDirectory = workingDirectory };
        foreach (var a in parts.Skip(1)) info.ArgumentList.Add(a);
        return Ready(new WebAppProcess(info, address), patience);
    }

    /// <summary>Runs WebApp.dll until it exits on its own (a model it refuses), returning the exit code and what it wrote.</summary>
    public static (int Code, string Output) RunToExit(string model)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { Dll(), "--urls", FreeAddress().ToString().TrimEnd('/'), "--model", model }) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(90_000))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"WebApp did not exit with model {model}.");
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    public static Uri FreeAddress()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new Uri($"http://127.0.0.1:{port}");
    }

    private static WebAppProcess Ready(WebAppProcess app, TimeSpan? patience = null)
    {
        var deadline = DateTime.UtcNow + (patience ?? TimeSpan.FromSeconds(90));
        while (true)
        {
            if (app._process.HasExited) Assert.Fail($"WebApp exited with code {app._process.ExitCode} before answering:\n{app.Output}");
            try
            {
                if (app.Http.GetAsync("/readyz").Result.StatusCode == HttpStatusCode.OK)
                {
                    var info = JsonDocument.Parse(app.Http.GetStringAsync("/model").Result).RootElement;
                    app.Labels = [.. info.GetProperty("labels").EnumerateArray().Select(l => l.GetString()!)];
                    app.ModelName = info.GetProperty("name").GetString()!;
                    return app;
                }
                if (DateTime.UtcNow >= deadline) Assert.Fail($"WebApp did not become ready:\n{app.Output}");
            }
            catch (AggregateException) when (DateTime.UtcNow < deadline) { } // not listening yet
            // Wait for the process to start serving and warm up (or to exit, checked above).
            app._process.WaitForExit(250);
        }
    }

    /// <summary>Waits until the process has written a line containing <paramref name="text"/> (it is read asynchronously).</summary>
    public void WaitForOutput(string text, TimeSpan? patience = null)
    {
        var deadline = DateTime.UtcNow + (patience ?? TimeSpan.FromSeconds(30));
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (DateTime.UtcNow >= deadline) Assert.Fail($"WebApp never wrote '{text}':\n{Output}");
            _process.WaitForExit(100);
        }
    }

    /// <summary>Asks the process to stop as an orchestrator does (SIGTERM), starting ASP.NET Core's graceful shutdown.</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        kill.WaitForExit();
        Assert.AreEqual(0, kill.ExitCode, "kill -TERM failed");
    }

    /// <summary>Waits for the process to exit on its own and returns its exit code.</summary>
    public int WaitForExit(TimeSpan patience)
    {
        if (!_process.WaitForExit(patience)) Assert.Fail($"WebApp did not exit within {patience}:\n{Output}");
        _process.WaitForExit(); // and its output read to the end
        return _process.ExitCode;
    }

    private static string Dll()
    {
#if DEBUG
        const string configuration = "Debug";
#else
        const string configuration = "Release";
#endif
        var dll = Path.Combine(RepositoryFiles.Root, "samples", "WebApp", "bin", configuration, "net10.0", "WebApp.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"Build samples/WebApp first: {dll} is missing.", dll);
    }

    public void Dispose()
    {
        if (!_process.HasExited) { _process.Kill(entireProcessTree: true); _process.WaitForExit(10_000); }
        _process.Dispose();
        Http.Dispose();
    }
}
