using System.Globalization;
using System.Text;
using AlexNet.Bench.Compute;
using AlexNet.Bench.Harness;
using AlexNet.Bench.Setup;
using AlexNet.Onnx.Model;

namespace AlexNet.Bench;

/// <summary>Renders one preset's measurements as Markdown: medians, ranges, ratios to the peers and to the compute limit.</summary>
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
        _md.AppendLine(CultureInfo.InvariantCulture, $"### `{preset}` preset");
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
        double limit = Table(results, $"**Inference** — medians of {runs} interleaved rounds (after {warmup} warm-up), each run ≥ {minSeconds} s.",
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
        double limit = Table(results, $"**Training, batch 128** — medians of {runs} interleaved rounds (after {warmup} warm-up), each run ≥ {minSeconds} s and one step.",
            ModelFlops.TrainingStep(_arch!), "MFLOP per image = **{0} images/s**", crops: false);
        var ours = r["train.ours"];
        var loader = results.First(x => x.Key.StartsWith("loader.", StringComparison.Ordinal));
        if (r.TryGetValue("train.pytorch", out var py))
            _md.AppendLine(CultureInfo.InvariantCulture, $"- ours ÷ PyTorch: **{ours.Median / py.Median:F2}×** (target ≥ 2×: {(ours.Median >= 2 * py.Median ? "met" : "missed")}).");
        _md.AppendLine(CultureInfo.InvariantCulture, $"- ours ÷ compute limit: **{P(ours.Median / limit)}** (target ≥ 25%: {(ours.Median >= 0.25 * limit ? "met" : "missed")}).");
        if (r.TryGetValue("train.ours.nolrn", out var noLrn))
            _md.AppendLine(CultureInfo.InvariantCulture, $"- LRN's share of our step: **{1 - ours.Median / noLrn.Median:P0}** (with LRN ÷ without: {ours.Median / noLrn.Median:F2}×; target ≥ 0.8×: {(ours.Median >= 0.8 * noLrn.Median ? "met" : "missed")}).");
        if (r.TryGetValue("train.ours.reference", out var reference))
            _md.AppendLine(CultureInfo.InvariantCulture, $"- ours ÷ the same step in the straightforward forms (before): **{ours.Median / reference.Median:F2}×**.");
        _md.AppendLine(CultureInfo.InvariantCulture, $"- loader alone ÷ what the trainer consumes: **{loader.Median / ours.Median:F1}×** (target ≥ 2×: {(loader.Median >= 2 * ours.Median ? "met" : "missed")}).");
        _md.AppendLine();
    }

    // One table layout for inference and training: the compute-limit line, then a row a case (with crops/s for
    // inference), then the sgemm rows. Returns the limit in images (crops) per second.
    private double Table(List<Result> results, string heading, double flopsPerImage, string limitFormat, bool crops)
    {
        var r = results.ToDictionary(x => x.Key);
        double gflops = Math.Max(r["sgemm.torch"].Median, r["sgemm.ort"].Median);
        double limit = gflops * 1e9 / flopsPerImage;
        string limitText = string.Format(CultureInfo.InvariantCulture, limitFormat, F(limit));
        _md.AppendLine(CultureInfo.InvariantCulture, $"{heading} Compute limit: best sgemm {F(gflops)} GFLOP/s ÷ {flopsPerImage / 1e6:F1} {limitText}.");
        _md.AppendLine();
        _md.AppendLine(crops ? "| case | images/s | crops/s | runs min–max (images/s) | crops/s ÷ compute limit |" : "| case | images/s | runs min–max | ÷ compute limit |");
        _md.AppendLine(crops ? "|---|---:|---:|---:|---:|" : "|---|---:|---:|---:|");
        foreach (var x in results.Where(x => x.Unit == "images/s"))
        {
            if (crops) _md.AppendLine(CultureInfo.InvariantCulture, $"| {x.Description} | {F(x.Median)} | {F(x.CropsPerSecond)} | {F(x.Min)}–{F(x.Max)} | {P(x.CropsPerSecond / limit)} |");
            else _md.AppendLine(CultureInfo.InvariantCulture, $"| {x.Description} | {F(x.Median)} | {F(x.Min)}–{F(x.Max)} | {P(x.Median / limit)} |");
        }
        string blank = crops ? "— | — |" : "— |";
        foreach (var x in results.Where(x => x.Unit != "images/s"))
            _md.AppendLine(CultureInfo.InvariantCulture, $"| {x.Description} | {blank} {F(x.Min)}–{F(x.Max)} GFLOP/s (median {F(x.Median)}) | |");
        _md.AppendLine();
        return limit;
    }

    /// <summary>The section.</summary>
    public string ToMarkdown() => _md.ToString();
}
