using System.Globalization;
using AlexNet.Bench;
using AlexNet.Bench.Memory;
using AlexNet.Bench.Training;

// AlexNet.Bench: `speed` measures inference and training against the peers in interleaved rounds; `memory` traces
// resident memory over many predictions or training steps. Each writes a Markdown fragment; bench/run.sh assembles
// them into docs/BENCHMARKS.md.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
var o = new Options(args);
var log = Console.Error;
string output = o.Text("markdown", "");
string folder = Path.Combine(Path.GetTempPath(), $"alexnet-bench-{Environment.ProcessId}");
Directory.CreateDirectory(folder);
try
{
    string markdown;
    switch (o.Command)
    {
        case "speed":
        {
            int threads = o.Int("threads", 0);
            if (threads > 0) TorchSharp.torch.set_num_threads(threads);
            log.WriteLine($"TorchSharp intra-op threads: {TorchSharp.torch.get_num_threads()}");
            string python = o.Text("python", "/usr/bin/python3");
            using var reference = o.Has("no-pytorch") ? null : new PyTorchReference(python, TorchSharp.torch.get_num_threads());
            var sections = new List<string>
            {
                $"Threads: TorchSharp {TorchSharp.torch.get_num_threads()} intra-op; ONNX Runtime and ML.NET at their defaults" +
                (reference != null ? $"; {reference.Info}." : "."),
                "",
            };
            foreach (var preset in o.Text("presets", "small,paper").Split(','))
                sections.Add(SpeedSuite.Run(preset, o, folder, reference, log));
            markdown = string.Join(Environment.NewLine, sections);
            break;
        }
        case "bulk":
        {
            var sections = o.Text("presets", "small,paper").Split(',').Select(p => BulkSuite.Run(p, o, folder, log));
            markdown = $"Machine: {Environment.ProcessorCount} cores, {CpuModel()}; ONNX Runtime and ML.NET at their default threads." +
                       Environment.NewLine + Environment.NewLine + string.Join(Environment.NewLine, sections);
            break;
        }
        case "memory":
            markdown = MemorySuite.Run(o.Text("what", "mlnet"), o.Text("preset", "small"), o.Int("count", 2000), folder, log);
            break;
        default:
            Console.WriteLine("""
                AlexNet.Bench speed  [--presets small,paper] [--runs 5] [--warmup 1] [--min-seconds S] [--batch 32]
                                     [--train-runs N] [--train-seconds S] [--skip-training] [--skip-inference] [--threads N]
                                     [--python /usr/bin/python3] [--no-pytorch] [--markdown out.md]
                AlexNet.Bench bulk   [--presets small,paper] [--images N] [--batch-sizes 1,4,16,32] [--runs 3] [--warmup 1]
                                     [--min-seconds S] [--markdown out.md]
                AlexNet.Bench memory --what mlnet|train [--preset small|paper] [--count N] [--markdown out.md]
                Run bench/run.sh to measure everything and update docs/BENCHMARKS.md.
                """);
            return o.Command == "help" ? 0 : 2;
    }
    if (output.Length > 0) File.WriteAllText(output, markdown);
    else Console.WriteLine(markdown);
    return 0;
}
finally
{
    Directory.Delete(folder, recursive: true);
}

static string CpuModel() =>
    File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "CPU model unknown";
