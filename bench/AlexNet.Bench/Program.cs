using System.Globalization;
using AlexNet.Bench;
using AlexNet.Samples;

// AlexNet.Bench: `speed` measures inference and training against the peers in interleaved rounds, `bulk` ML.NET's
// row-by-row scoring against batched, `memory` traces resident memory over many predictions or training steps,
// `transfer` fine-tuning against training from scratch (issue 22). Each writes a Markdown fragment; bench/run.sh
// assembles the first three into docs/benchmarks/bench-run.md (transfer is an experiment of its own, quoted in
// docs/BENCHMARKS.md by hand).
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
// As the trainer does, before the first tensor (THP_MEM_ALLOC_ENABLE=0 in the environment measures without).
AlexNet.Training.Model.HugePages.Request();
// As the trainer does, before libtorch loads: MKL's vendor question (ALEXNET_MKL_INTEL_CPU=1 / 0 measures either path).
AlexNet.Training.Model.MklVendorCheck.Apply();
// As the CLI does: glibc keeps freed memory (ALEXNET_KEEP_FREED_MEMORY=0 measures glibc's defaults). The PyTorch peer
// runs in a process of its own with glibc's defaults, as PyTorch users run it.
AlexNet.Training.Model.FreedMemory.Keep();
return SampleCommandLine.Run(BenchCommandLine.Build(Measure), args);

static int Measure(Func<string, string> report, string? output)
{
    string folder = Path.Combine(Path.GetTempPath(), $"alexnet-bench-{Environment.ProcessId}");
    Directory.CreateDirectory(folder);
    try
    {
        string markdown = report(folder);
        if (output is null) Console.WriteLine(markdown);
        else File.WriteAllText(output, markdown);
        return 0;
    }
    finally
    {
        Directory.Delete(folder, recursive: true);
    }
}
