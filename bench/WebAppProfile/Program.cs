using System.Diagnostics;
using System.Reflection;
using AlexNet.MLNet;
using AlexNet.MLNet.Images;
using AlexNet.Samples.WebApp;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;

// Where the WebApp's scoring time goes, by stopwatch, on one photo (tests/assets/chelsea.png), run from the repository
// root: dotnet bench/WebAppProfile/bin/Release/net10.0/WebAppProfile.dll MODEL.onnx [ROUNDS]
// Every measurement is taken once per round, the rounds interleaving them, so a background job's load falls on all alike.
if (args.Length is < 1 or > 2) { Console.Error.WriteLine("usage: WebAppProfile MODEL.onnx [ROUNDS (default 30)]"); return 2; }
string model = args[0];
int rounds = args.Length > 1 ? int.Parse(args[1]) : 30;
using var image = ImageInput.Decode(File.ReadAllBytes("tests/assets/chelsea.png"), "chelsea.png");
var ml = new MLContext();

int Threads() => Process.GetCurrentProcess().Threads.Count;
int t0 = Threads();
using var byDefault = new ImageClassifier(model, maxBatchSize: 4, intraOpThreads: 0);
Warm(byDefault);
int t1 = Threads();
using var single = new ImageClassifier(model, maxBatchSize: 4, intraOpThreads: 1);
Warm(single);
int t2 = Threads();
Console.WriteLine($"process threads: {t0} before any model; +{t1 - t0} for a classifier with ONNX Runtime's default threads " +
                  $"(two sessions: ML.NET's and the batched one, both run); +{t2 - t1} for one with IntraOpThreads 1");

// The stages of ScoreBatch, through the classifier's own objects (reflection: they are private).
object Field(object o, string name) => o.GetType().GetField(name, BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(o)!;
var pipeline = (ITransformer)Field(byDefault, "_model");
var alexnet = (AlexNetTransformer)((IEnumerable<ITransformer>)pipeline).First();
var prepare = (ITransformer)Field(alexnet, "_prepare");
var serving = Field(alexnet, "_serving");
var onnxSession = serving.GetType().GetProperty("BatchSession")!.GetValue(serving)!;
var session = (InferenceSession)onnxSession.GetType().GetProperty("Session")!.GetValue(onnxSession)!;
const string Pixels = "AlexNet.Pixels";
long[] imageDims = [.. session.InputMetadata[Pixels].Dimensions.Skip(1).Select(d => (long)d)];

var stages = new List<(string Name, int Images, Action Run)> { ("pool: Predict, whole route", 1, () => byDefault.Score(image)) };
foreach (int n in new[] { 1, 4 })
{
    var images = Enumerable.Repeat(image, n).ToArray();
    var rows = ml.Data.LoadFromEnumerable(images.Select(i => new ImageInput { Image = i }).ToArray(), ImageInput.Schema());
    var prepared = prepare.Transform(rows);
    float[] input = new float[n * imageDims.Aggregate(1L, (a, d) => a * d)];
    void Prepare()
    {
        using var c = prepared.GetRowCursor([prepared.Schema[Pixels]]);
        var get = c.GetGetter<VBuffer<float>>(prepared.Schema[Pixels]);
        VBuffer<float> v = default;
        for (int k = 0; c.MoveNext(); k++) { get(ref v); v.GetValues().CopyTo(input.AsSpan(k * v.Length)); }
    }
    Prepare();
    stages.Add(("batched: ScoreBatch, whole route", n, () => byDefault.ScoreBatch(images)));
    stages.Add(("batched:   crop preparation (resize, pixels)", n, Prepare));
    stages.Add(("batched:   ONNX Runtime run (batch outputs)", n, () =>
    {
        using var value = OrtValue.CreateTensorValueFromMemory(input, [n, .. imageDims]);
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, [Pixels], [value], ["Score.batch", "AlexNet.PredictedLabelVector"]);
    }));
}
var times = stages.Select(_ => new List<double>()).ToArray();
for (int r = 0; r < rounds; r++)
    for (int s = 0; s < stages.Count; s++)
    {
        long start = Stopwatch.GetTimestamp();
        stages[s].Run();
        times[s].Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
    }
Console.WriteLine($"\nmedian of {rounds} interleaved rounds, ONNX Runtime's default threads\nstage\timages\tms\tms per image");
for (int s = 0; s < stages.Count; s++)
{
    double median = times[s].Order().ElementAt(times[s].Count / 2);
    Console.WriteLine($"{stages[s].Name}\t{stages[s].Images}\t{median:F1}\t{median / stages[s].Images:F1}");
    if (stages[s].Name.StartsWith("batched:   ONNX", StringComparison.Ordinal))
    {
        // The rest of ScoreBatch, round by round: the whole route less its preparation and ONNX Runtime run.
        var rest = Enumerable.Range(0, rounds).Select(r => times[s - 2][r] - times[s - 1][r] - times[s][r]).Order().ToList();
        Console.WriteLine($"batched:   the rest (ML.NET data view, cursors, rows; median of per-round differences)\t{stages[s].Images}\t{rest[rounds / 2]:F1}\t{rest[rounds / 2] / stages[s].Images:F1}");
    }
}

// Throughput with one caller and with two at once (two requests on the pool, or two batch instances), each caller
// scoring 8 images per round: images/s over all rounds, and how many of the 2 cores the process kept busy.
var configs = new List<(string Name, int Callers, int Images, Action Run)>();
foreach (var (c, threads) in new[] { (byDefault, "default threads"), (single, "IntraOpThreads 1") })
    foreach (int callers in new[] { 1, 2 })
    {
        configs.Add(($"pool: Predict, {threads}", callers, 1, () => c.Score(image)));
        configs.Add(($"batched: ScoreBatch of 4, {threads}", callers, 4, () => c.ScoreBatch([image, image, image, image])));
    }
var wall = new double[configs.Count];
var cpu = new double[configs.Count];
var process = Process.GetCurrentProcess();
for (int r = 0; r < Math.Max(3, rounds / 5); r++)
    for (int k = 0; k < configs.Count; k++)
    {
        var (_, callers, n, run) = configs[k];
        process.Refresh();
        var cpu0 = process.TotalProcessorTime;
        long start = Stopwatch.GetTimestamp();
        Parallel.For(0, callers, new ParallelOptions { MaxDegreeOfParallelism = callers }, _ => { for (int i = 0; i < 8 / n; i++) run(); });
        wall[k] += Stopwatch.GetElapsedTime(start).TotalSeconds;
        process.Refresh();
        cpu[k] += (process.TotalProcessorTime - cpu0).TotalSeconds;
    }
int throughputRounds = Math.Max(3, rounds / 5);
Console.WriteLine($"\n{throughputRounds} interleaved rounds of 8 images per caller\nroute\tcallers at once\timages/s\tcores busy");
for (int k = 0; k < configs.Count; k++)
    Console.WriteLine($"{configs[k].Name}\t{configs[k].Callers}\t{throughputRounds * 8 * configs[k].Callers / wall[k]:F1}\t{cpu[k] / wall[k]:F2}");
return 0;

void Warm(ImageClassifier c)
{
    for (int i = 0; i < 3; i++) { c.Score(image); c.ScoreBatch([image]); c.ScoreBatch([image, image, image, image]); }
}
