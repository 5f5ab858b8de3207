using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace AlexNet.Samples.Tests;

/// <summary>
/// The WebApp sample as a child process on a free loopback port: started from its build output (or by a command line
/// given whole), ready once GET /model answers, killed with its process tree on dispose.
/// </summary>
internal sealed class WebAppProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    public HttpClient Http { get; }
    public string[] Labels { get; private set; } = [];
    public string ServedModel { get; private set; } = "";
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

    /// <summary>Starts WebApp.dll with the given model, in <paramref name="workingDirectory"/>, with extra environment variables.</summary>
    public static WebAppProcess Start(string model, string workingDirectory, IReadOnlyDictionary<string, string>? environment = null)
    {
        var address = FreeAddress();
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory };
        foreach (var a in new[] { Dll(), "--urls", address.ToString().TrimEnd('/'), "--model", model }) info.ArgumentList.Add(a);
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
                var info = JsonDocument.Parse(app.Http.GetStringAsync("/model").Result).RootElement;
                app.Labels = [.. info.GetProperty("labels").EnumerateArray().Select(l => l.GetString()!)];
                app.ServedModel = info.GetProperty("model").GetString()!;
                return app;
            }
            catch (AggregateException) when (DateTime.UtcNow < deadline)
            {
                // Not listening yet: wait for the process to start serving (or to exit, checked above).
                app._process.WaitForExit(250);
            }
        }
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
