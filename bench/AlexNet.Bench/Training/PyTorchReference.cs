using System.Diagnostics;
using System.Text.Json;
using AlexNet.Bench.Harness;
using AlexNet.Bench.Setup;

namespace AlexNet.Bench.Training;

/// <summary>
/// The PyTorch peer: bench/pytorch_reference.py started once in serve mode with the system python (Debian's
/// python3-torch) and asked for one timed run per round, so it interleaves with ours. It times itself, so process
/// start-up and the request are not counted.
/// </summary>
public sealed class PyTorchReference : IDisposable
{
    private readonly Process _process;

    /// <summary>The torch version, thread count and sgemm rate the server reported.</summary>
    public string Info { get; }

    /// <summary>Starts the server.</summary>
    /// <param name="python">The interpreter (/usr/bin/python3).</param>
    /// <param name="threads">Intra-op threads to ask for.</param>
    public PyTorchReference(string python, int threads)
    {
        var start = new ProcessStartInfo(python)
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(BenchImages.RepoRoot, "bench", "pytorch_reference.py"));
        start.ArgumentList.Add("serve");
        start.ArgumentList.Add("--threads");
        start.ArgumentList.Add(threads.ToString(System.Globalization.CultureInfo.InvariantCulture));
        _process = Process.Start(start) ?? throw new InvalidOperationException($"{python} did not start.");
        var ready = JsonDocument.Parse(ReadLine()).RootElement;
        // Its own sgemm says which BLAS the peer got (Debian's reference BLAS or OpenBLAS: 30x apart, see the script).
        Info = string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"PyTorch {ready.GetProperty("torch").GetString()}, {ready.GetProperty("threads").GetInt32()} threads, its 2048² sgemm {ready.GetProperty("sgemm").GetDouble():F0} GFLOP/s");
    }

    /// <summary>One timed run in the server.</summary>
    /// <param name="op">train or infer.</param>
    /// <param name="preset">small or paper.</param>
    /// <param name="batch">Batch size.</param>
    /// <param name="seconds">Shortest run.</param>
    /// <returns>Images per second.</returns>
    public double Run(string op, string preset, int batch, double seconds)
    {
        _process.StandardInput.WriteLine(JsonSerializer.Serialize(new { op, preset, batch, seconds }));
        _process.StandardInput.Flush();
        return JsonDocument.Parse(ReadLine()).RootElement.GetProperty("rate").GetDouble();
    }

    private string ReadLine() =>
        _process.StandardOutput.ReadLine() ?? throw new InvalidOperationException("pytorch_reference.py ended early; run it by hand to see why.");

    /// <summary>A case that asks the server for one run.</summary>
    /// <param name="key">Case key.</param>
    /// <param name="description">What is measured.</param>
    /// <param name="op">train or infer.</param>
    /// <param name="preset">small or paper.</param>
    /// <param name="batch">Batch size.</param>
    public BenchCase Case(string key, string description, string op, string preset, int batch) => new RemoteCase(this, key, description, op, preset, batch);

    /// <summary>Stops the server.</summary>
    public void Dispose()
    {
        try
        {
            _process.StandardInput.WriteLine("{\"op\": \"quit\"}");
            _process.StandardInput.Close();
            if (!_process.WaitForExit(10_000)) _process.Kill();
        }
        catch (InvalidOperationException) { }
        _process.Dispose();
    }

    private sealed class RemoteCase(PyTorchReference server, string key, string description, string op, string preset, int batch) : BenchCase
    {
        public override string Key => key;
        public override string Description => description;
        public override double Measure(double minSeconds) => server.Run(op, preset, batch, minSeconds);
        protected override double Step() => throw new NotSupportedException();
    }
}
