using System.Globalization;
using System.Text;
using AlexNet.Bench.Harness;
using AlexNet.Bench.Inference;
using AlexNet.Bench.Setup;

namespace AlexNet.Bench;

/// <summary>
/// Bulk scoring through ML.NET, row by row against batched, for one preset: the same fitted pipeline over the same
/// rows, interleaved round by round, with peak memory of the process after the rounds.
/// </summary>
public static class BulkSuite
{
    /// <summary>Measures every preset asked for and returns the report, with the machine it ran on.</summary>
    /// <param name="o">What to measure and how long.</param>
    /// <param name="folder">Temporary folder for the models and images.</param>
    /// <param name="log">Progress.</param>
    public static string Run(BulkOptions o, string folder, TextWriter log) =>
        $"Machine: {Environment.ProcessorCount} cores, {AlexNet.Onnx.Diagnostics.SystemDiagnostics.CpuModel()}; ONNX Runtime and ML.NET at their default threads." +
        Environment.NewLine + Environment.NewLine + string.Join(Environment.NewLine, o.Presets.Select(p => Run(p, o, folder, log)));

    /// <summary>Measures a preset and returns its Markdown section.</summary>
    /// <param name="preset">small or paper.</param>
    /// <param name="o">What to measure and how long.</param>
    /// <param name="folder">Temporary folder for the model and images.</param>
    /// <param name="log">Progress.</param>
    private static string Run(string preset, BulkOptions o, string folder, TextWriter log)
    {
        int runs = o.Runs, warmup = o.Warmup, count = o.Images ?? (preset == "paper" ? 32 : 256);
        double minSeconds = o.MinSeconds ?? (preset == "paper" ? 5 : 2);
        var sizes = o.BatchSizes;
        using var model = BenchModel.Create(preset, folder);
        var images = BenchImages.For(preset, folder);
        var cases = sizes.Select(b => (BenchCase)new MlNetBulk(model.OnnxPath, images, count, b)).ToList();
        log.WriteLine($"[{preset}] bulk: {warmup} warm-up + {runs} rounds of {cases.Count} cases, {count} rows, ≥ {minSeconds} s each");
        var results = Rounds.Run(cases, warmup, runs, minSeconds, log);
        foreach (var c in cases) c.Dispose();

        var a = model.Architecture;
        var reference = results[0]; // row by row when asked for, as by default
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"`{preset}` ({a.InputChannels}×{a.ResizeSize}² images, {a.InputSize}² crops, ten-crop), {count} rows of " +
            $"{(preset == "paper" ? "the four photos in tests/assets" : "Fashion-MNIST test PNGs")} a step; medians of {runs} interleaved rounds after {warmup} warm-up, each ≥ {minSeconds} s:");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"| route | images/s | runs min–max | ÷ {(sizes[0] == 1 ? "row by row" : "the first row")} |");
        md.AppendLine("|---|---:|---:|---:|");
        foreach (var r in results)
            md.AppendLine(CultureInfo.InvariantCulture, $"| {r.Description} | {r.Median:F1} | {r.Min:F1}–{r.Max:F1} | {r.Median / reference.Median:F2}× |");
        md.AppendLine();
        return md.ToString();
    }

}
