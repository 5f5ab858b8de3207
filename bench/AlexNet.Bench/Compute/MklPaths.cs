using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using AlexNet.Bench.Harness;
using AlexNet.Training.Model;
using static TorchSharp.torch;

namespace AlexNet.Bench.Compute;

/// <summary>
/// <c>AlexNet.Bench mkl</c>: the MKL inside libtorch told "Intel" (<c>ALEXNET_MKL_INTEL_CPU=1</c>, the path
/// <see cref="MklVendorCheck"/> selects on AMD) against told "not Intel" (<c>=0</c>, MKL's generic path), on the
/// 2048² sgemm (<see cref="TorchSgemm"/>) and on <see cref="FcFineTuneStep"/>, the work a frozen-trunk fine-tune does
/// per step once the trunk's activations are cached. MKL chooses once per process, so each measurement is a child
/// process (<c>mkl-child</c>) with the variable set; the two settings alternate, round by round, which one goes first.
/// </summary>
public static class MklPaths
{
    /// <summary>The settings compared, the fast one first.</summary>
    public static readonly string[] Settings = ["1", "0"];

    /// <summary>Runs <paramref name="rounds"/> rounds of one child per setting and returns the Markdown section.</summary>
    /// <param name="rounds">Rounds; each child warms up on every case once, then measures each once.</param>
    /// <param name="minSeconds">Seconds each case runs a measurement at least.</param>
    /// <param name="batch">Images a fine-tune step.</param>
    /// <param name="threads">TorchSharp intra-op threads in the children; 0 keeps its default.</param>
    /// <param name="log">Progress.</param>
    public static string Run(int rounds, double minSeconds, int batch, int threads, TextWriter log)
    {
        var rates = Settings.ToDictionary(s => s, _ => new Dictionary<string, List<double>>());
        var paths = new Dictionary<string, string>();
        string description = "";
        for (int round = 0; round < rounds; round++)
        {
            foreach (var setting in round % 2 == 0 ? Settings : Settings.Reverse())
            {
                var child = Child(setting, minSeconds, batch, threads);
                paths[setting] = child.GetProperty("codePath").GetString()!;
                foreach (var r in child.GetProperty("rates").EnumerateArray())
                {
                    string key = r.GetProperty("key").GetString()!;
                    if (!rates[setting].TryGetValue(key, out var list)) rates[setting][key] = list = [];
                    list.Add(r.GetProperty("rate").GetDouble());
                    if (key == FcFineTuneStep.CaseKey) description = r.GetProperty("description").GetString()!;
                    log.WriteLine($"  round {round + 1}/{rounds} ALEXNET_MKL_INTEL_CPU={setting} {key,-14} {r.GetProperty("rate").GetDouble(),9:F1} {r.GetProperty("unit").GetString()}");
                }
            }
        }

        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"MKL's code path, as it reports itself: `ALEXNET_MKL_INTEL_CPU=1` {paths["1"]}; `=0` {paths["0"]}.");
        md.AppendLine(CultureInfo.InvariantCulture, $"{rounds} rounds of one child process per setting (order alternating), each warmed up once, ≥ {minSeconds} s a case.");
        md.AppendLine();
        md.AppendLine("| case | told Intel (`=1`): median | min–max | told not Intel (`=0`): median | min–max | `=1` ÷ `=0` |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (var (key, name, unit) in new[] { ("sgemm.torch", "sgemm 2048², TorchSharp matmul", "GFLOP/s"), (FcFineTuneStep.CaseKey, description, "images/s") })
        {
            var fast = rates["1"][key]; var slow = rates["0"][key];
            double a = Result.MedianOf(fast), b = Result.MedianOf(slow);
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {name} ({unit}) | {a:F1} | {fast.Min():F1}–{fast.Max():F1} | {b:F1} | {slow.Min():F1}–{slow.Max():F1} | {a / b:F2} |");
        }
        return md.ToString();
    }

    private static JsonElement Child(string setting, double minSeconds, int batch, int threads)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { typeof(MklPaths).Assembly.Location, "mkl-child", "--min-seconds", minSeconds.ToString(CultureInfo.InvariantCulture),
                     "--batch", batch.ToString(CultureInfo.InvariantCulture), "--threads", threads.ToString(CultureInfo.InvariantCulture) })
            start.ArgumentList.Add(a);
        start.Environment[MklVendorCheck.Variable] = setting;
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"mkl-child with {MklVendorCheck.Variable}={setting} exited with {process.ExitCode}: {error.Result}");
        var json = JsonDocument.Parse(output).RootElement;
        // A child where our library did not answer would measure MKL's own choice twice and call it a comparison.
        if (!json.GetProperty("answeredByUs").GetBoolean() || json.GetProperty("answer").GetInt32().ToString(CultureInfo.InvariantCulture) != setting)
            throw new InvalidOperationException($"mkl-child with {MklVendorCheck.Variable}={setting}: MKL was not answered {setting} ({json.GetProperty("state")})");
        return json;
    }

    /// <summary>The child: measures each case once after one warm-up and prints the rates and MKL's report as JSON.</summary>
    /// <param name="minSeconds">Seconds each case runs a measurement at least.</param>
    /// <param name="batch">Images a fine-tune step.</param>
    /// <param name="threads">TorchSharp intra-op threads; 0 keeps its default.</param>
    public static int ChildRun(double minSeconds, int batch, int threads)
    {
        if (threads > 0) set_num_threads(threads);
        var cases = new List<BenchCase> { new TorchSgemm(), new FcFineTuneStep(batch) };
        foreach (var c in cases) c.Measure(minSeconds);   // warm-up: MKL's dispatch, buffers, threads
        var rates = cases.Select(c => new { key = c.Key, description = c.Description, unit = c.Unit, rate = c.Measure(minSeconds) }).ToList();
        foreach (var c in cases) c.Dispose();
        var mkl = MklVendorCheck.Inspect() ?? throw new InvalidOperationException("this libtorch reports no MKL");
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            codePath = mkl.CodePath, answeredByUs = mkl.AnsweredByUs, answer = mkl.Answer, state = MklVendorCheck.State?.Description, rates,
        }));
        return 0;
    }
}

/// <summary>
/// What a frozen-trunk fine-tune of the torchvision preset trains each step once the trunk's activations are cached:
/// torchvision's classifier (dropout, fc6 9216→4096, ReLU, dropout, fc7 4096→4096, ReLU, fc8 4096→10) forward,
/// cross-entropy, backward and an SGD step with momentum, on a ready batch of pooled conv5 activations. Every FLOP of
/// it is a matrix product in libtorch's BLAS (MKL).
/// </summary>
public sealed class FcFineTuneStep : BenchCase
{
    /// <summary>The case's key.</summary>
    public const string CaseKey = "finetune.fc";

    private readonly nn.Module<Tensor, Tensor> _head;
    private readonly optim.Optimizer _sgd;
    private readonly Tensor _features, _labels;
    private readonly int _batch;

    /// <summary>Builds the layers (seeded) and one batch of activations.</summary>
    /// <param name="batch">Images a step.</param>
    public FcFineTuneStep(int batch)
    {
        _batch = batch;
        manual_seed(1);
        _head = nn.Sequential(nn.Dropout(0.5), nn.Linear(9216, 4096), nn.ReLU(), nn.Dropout(0.5), nn.Linear(4096, 4096), nn.ReLU(), nn.Linear(4096, 10));
        _sgd = optim.SGD(_head.parameters(), 0.001, momentum: 0.9);
        _features = rand(batch, 9216);   // post-ReLU, post-pool activations are non-negative
        _labels = randint(0, 10, batch);
    }

    /// <inheritdoc/>
    public override string Key => CaseKey;
    /// <inheritdoc/>
    public override string Description => $"fc6–fc8 training step of a frozen-features torchvision fine-tune on cached activations, batch {_batch}";

    /// <inheritdoc/>
    protected override double Step()
    {
        using var scope = NewDisposeScope();
        _sgd.zero_grad();
        var loss = nn.functional.cross_entropy(_head.forward(_features), _labels);
        loss.backward();
        _sgd.step();
        return _batch;
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        _head.Dispose();
        _features.Dispose();
        _labels.Dispose();
        base.Dispose();
    }
}
