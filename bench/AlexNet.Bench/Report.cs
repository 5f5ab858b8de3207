using System.Globalization;
using System.Text;
using AlexNet.Bench.Compute;
using AlexNet.Bench.Harness;
using AlexNet.Bench.Setup;
using AlexNet.Onnx.Model;

namespace AlexNet.Bench;

/// <summary>Renders one preset's measurements as Markdown: medians, ranges, ratios to the peers, to the CPU's FMA peak and to the sgemm rate.</summary>
/// <param name="preset">small or paper.</param>
public sealed class Report(string preset)
{
    private readonly StringBuilder _md = new();
    private AlexNetArchitecture? _arch;

    private static string F(double v) => v >= 100 ? v.ToString("F0", CultureInfo.InvariantCulture)
        : v >= 10 ? v.ToString("F1", CultureInfo.InvariantCulture) : v.ToString("F2", CultureInfo.InvariantCulture);
    private static string P(double v) => (100 * v).ToString(v < 0.1 ? "F1" : "F0", CultureInfo.InvariantCulture) + "%";

    /// <summary>Model and image facts.</summary>
    /// <param name="model">The exported model.</param>
    /// <param name="images">The images used.</param>
    /// <param name="bytes">Size of model.onnx.</param>
    public void Setup(BenchModel model, IReadOnlyList<string> images, long bytes)
    {
        _arch = model.Architecture;
        var a = model.Architecture;
        _md.AppendLine(CultureInfo.InvariantCulture, $"## `{preset}` preset");
        _md.AppendLine();
        _md.AppendLine(CultureInfo.InvariantCulture, $"Model: {a.InputChannels}×{a.InputSize}×{a.InputSize} crops of {a.ResizeSize}-px images, {a.NumClasses} classes, " +
            $"{model.Network.ParameterCount:N0} parameters, random Kaiming weights exported once to a {bytes / 1048576.0:F1} MiB model.onnx. " +
            $"Forward pass: **{ModelFlops.Forward(a) / 1e6:F1} MFLOP per crop** (multiply-add = 2, counted from the architecture); a training step ≈ 3× that. " +
            $"Images: {(preset == "paper" ? "the four photos in tests/assets (512×512, 451×300, 600×400, 427×640)" : $"{images.Count} Fashion-MNIST test images as 28×28 gray PNGs")}.");
        _md.AppendLine();
    }

    /// <summary>The inference table and its targets.</summary>
    /// <param name="results">Results of the rounds.</param>
    /// <param name="runs">Kept rounds.</param>
    /// <param name="warmup">Discarded rounds.</param>
    /// <param name="minSeconds">Shortest run.</param>
    public void Inference(List<Result> results, int runs, int warmup, double minSeconds)
    {
        var r = results.ToDictionary(x => x.Key);
        Table(results, $"**Inference** — medians of {runs} interleaved rounds (after {warmup} warm-up), each run ≥ {minSeconds} s.",
            ModelFlops.Forward(_arch!), "MFLOP = **{0} crops/s**", crops: true);
        double aOverB = r["infer.a"].CropsPerSecond / r["infer.b"].CropsPerSecond;
        double cOverBare = r["infer.c"].Median / r["infer.ort"].Median;
        double aOverBound = r["infer.a"].CropsPerSecond / r["infer.ort10"].CropsPerSecond;
        _md.AppendLine(CultureInfo.InvariantCulture, $"- (a) ÷ (b) crops/s: **{aOverB:F2}×** (target ≥ 2×: {(aOverB >= 2 ? "met" : "missed")}); (a) reaches {P(aOverBound)} of ONNX Runtime alone on the same ten crops.");
        if (r.TryGetValue("infer.ort10.lrnop", out var lrnOperator))
            _md.AppendLine(CultureInfo.InvariantCulture, $"- LRN written as a band convolution ÷ ONNX's LRN operator, ONNX Runtime alone on ten crops: **{r["infer.ort10"].Median / lrnOperator.Median:F2}×**.");
        _md.AppendLine(CultureInfo.InvariantCulture, $"- (c) ÷ bare ONNX Runtime at the same batch: **{cOverBare:F2}×** (target ≥ 0.8×: {(cOverBare >= 0.8 ? "met" : "missed")}).");
        string pytorch = r.TryGetValue("infer.pytorch", out var py)
            ? string.Create(CultureInfo.InvariantCulture, $"; PyTorch eager ÷ bare ONNX Runtime: {py.Median / r["infer.ort"].Median:F2}×.") : ".";
        _md.AppendLine(CultureInfo.InvariantCulture, $"- (d) TorchSharp eager ÷ bare ONNX Runtime: {r["infer.d"].Median / r["infer.ort"].Median:F2}×{pytorch}");
        _md.AppendLine();
    }

    /// <summary>The training table.</summary>
    /// <param name="results">Results of the rounds.</param>
    /// <param name="runs">Kept rounds.</param>
    /// <param name="warmup">Discarded rounds.</param>
    /// <param name="minSeconds">Shortest run.</param>
    public void Training(List<Result> results, int runs, int warmup, double minSeconds)
    {
        var r = results.ToDictionary(x => x.Key);
        double peak = Table(results, $"**Training, batch 128** — medians of {runs} interleaved rounds (after {warmup} warm-up), each run ≥ {minSeconds} s and one step.",
            ModelFlops.TrainingStep(_arch!), "MFLOP per image = **{0} images/s**", crops: false);
        var ours = r["train.ours"];
        var loader = results.First(x => x.Key.StartsWith("loader.", StringComparison.Ordinal));
        if (r.TryGetValue("train.pytorch", out var py))
            _md.AppendLine(CultureInfo.InvariantCulture, $"- ours ÷ PyTorch: **{ours.Median / py.Median:F2}×** (target ≥ 2×: {(ours.Median >= 2 * py.Median ? "met" : "missed")}).");
        _md.AppendLine(CultureInfo.InvariantCulture, $"- ours ÷ CPU peak: **{P(ours.Median / peak)}**.");
        if (r.TryGetValue("train.ours.nolrn", out var noLrn))
            _md.AppendLine(CultureInfo.InvariantCulture, $"- LRN's share of our step: **{1 - ours.Median / noLrn.Median:P0}** (with LRN ÷ without: {ours.Median / noLrn.Median:F2}×; target ≥ 0.8×: {(ours.Median >= 0.8 * noLrn.Median ? "met" : "missed")}).");
        foreach (var other in results.Where(x => x.Key is "train.ours.contiguous" or "train.ours.channels-last"))
            _md.AppendLine(CultureInfo.InvariantCulture, $"- ours ÷ the same step with {other.Key["train.ours.".Length..]} activations: **{ours.Median / other.Median:F2}×** (same rounds).");
        if (r.TryGetValue("train.ours.reference", out var reference))
            _md.AppendLine(CultureInfo.InvariantCulture, $"- ours ÷ the same step in the straightforward forms (before): **{ours.Median / reference.Median:F2}×**.");
        _md.AppendLine(CultureInfo.InvariantCulture, $"- loader alone ÷ what the trainer consumes: **{loader.Median / ours.Median:F1}×** (target ≥ 2×: {(loader.Median >= 2 * ours.Median ? "met" : "missed")}).");
        _md.AppendLine();
    }

    // One table layout for inference and training: the ceilings line, then a row a case (with crops/s for inference),
    // then the rows of the two ceilings. Each case is divided by the CPU's FMA peak, the hardware's ceiling, and by the
    // best 2048² sgemm, a library kernel's rate, labelled as such. Returns the peak in images (crops) per second.
    private double Table(List<Result> results, string heading, double flopsPerImage, string limitFormat, bool crops)
    {
        var r = results.ToDictionary(x => x.Key);
        double peakGflops = r["fma.peak"].Median;
        double sgemmGflops = Math.Max(r["sgemm.torch"].Median, r["sgemm.ort"].Median);
        double peak = peakGflops * 1e9 / flopsPerImage, sgemm = sgemmGflops * 1e9 / flopsPerImage;
        _md.AppendLine(CultureInfo.InvariantCulture,
            $"{heading} CPU peak: {F(peakGflops)} GFLOP/s (FMA on registers, every thread) ÷ {flopsPerImage / 1e6:F1} {string.Format(CultureInfo.InvariantCulture, limitFormat, F(peak))}; " +
            $"the best 2048² sgemm, {F(sgemmGflops)} GFLOP/s, gives {F(sgemm)} (a library's rate, not a limit).");
        _md.AppendLine();
        _md.AppendLine(crops ? "| case | images/s | crops/s | runs min–max (images/s) | crops/s ÷ CPU peak | ÷ sgemm rate |" : "| case | images/s | runs min–max | ÷ CPU peak | ÷ sgemm rate |");
        _md.AppendLine(crops ? "|---|---:|---:|---:|---:|---:|" : "|---|---:|---:|---:|---:|");
        foreach (var x in results.Where(x => x.Unit == "images/s"))
        {
            double rate = crops ? x.CropsPerSecond : x.Median;
            string cells = crops ? $"{F(x.Median)} | {F(x.CropsPerSecond)}" : F(x.Median);
            _md.AppendLine(CultureInfo.InvariantCulture, $"| {x.Description} | {cells} | {F(x.Min)}–{F(x.Max)} | {P(rate / peak)} | {P(rate / sgemm)} |");
        }
        string blank = crops ? "— | — |" : "— |";
        foreach (var x in results.Where(x => x.Unit != "images/s"))
            _md.AppendLine(CultureInfo.InvariantCulture, $"| {x.Description} | {blank} {F(x.Min)}–{F(x.Max)} GFLOP/s (median {F(x.Median)}) | | |");
        _md.AppendLine();
        return peak;
    }

    /// <summary>The section.</summary>
    public string ToMarkdown() => _md.ToString();
}
