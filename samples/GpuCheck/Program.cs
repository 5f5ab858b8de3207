using System.Globalization;
using AlexNet.Onnx.Diagnostics;
using AlexNet.Samples.GpuCheck;
using Microsoft.ML.OnnxRuntime;
using System.CommandLine;
using AlexNet.Samples;

// GpuCheck [model.onnx] [--devices cpu,0,1] [--images N] [--batch B] [--preset paper|small] [--tolerance T]
var modelArgument = new Argument<string?>("model") { Description = "model.onnx to check [default: a generated random-weight model of --preset]", Arity = ArgumentArity.ZeroOrOne };
var devicesOption = new Option<string?>("--devices") { Description = "cpu,0,1: the devices to run on [default: the CPU and every GPU the driver lists, or device 0]" }
    .Check(v => v is null || TryDevices(v, out _) ? null : "use cpu, N or cuda:N, comma-separated");
var imagesOption = new Option<int>("--images") { Description = "synthetic 320×240 images to classify", DefaultValueFactory = _ => 32 }.Check(v => v >= 1 ? null : "must be at least 1");
var batchOption = new Option<int>("--batch") { Description = "images per ONNX Runtime run on the batched route", DefaultValueFactory = _ => 32 }
    .Check(v => v >= 2 ? null : "must be at least 2 (the row-by-row route is always measured)");
var presetOption = new Option<string>("--preset") { Description = "size of the generated model", DefaultValueFactory = _ => "paper" }.AcceptOnlyFromAmong("paper", "small");
var toleranceOption = new Option<float>("--tolerance") { Description = "largest score difference from the CPU that still agrees", DefaultValueFactory = _ => 1e-3f };
var command = new RootCommand("GpuCheck: the ML.NET ten-crop pipeline on the CPU and each CUDA device, row by row and in batches. " +
    "Exit codes: 0 every device ran and agreed with the CPU; 1 the CPU run failed; 2 usage; 3 a CUDA device could not run the model; " +
    "4 a CUDA device's scores differ from the CPU's by more than --tolerance. More: docs/GPU.md.")
{
    modelArgument, devicesOption, imagesOption, batchOption, presetOption, toleranceOption,
};
return SampleCommandLine.Run(command, args, r => Check(r.GetValue(modelArgument), r.GetValue(devicesOption), r.GetValue(imagesOption), r.GetValue(batchOption),
    r.GetValue(presetOption)!, r.GetValue(toleranceOption)));

static int Check(string? model, string? devicesText, int count, int batch, string preset, float tolerance)
{
    var gpus = NvidiaDriver.Read();
    List<int?> devices = devicesText is null ? [null, .. Enumerable.Range(0, Math.Max(1, gpus.Gpus.Count)).Select(i => (int?)i)]
        : TryDevices(devicesText, out var given) ? given : throw new UsageException($"--devices {devicesText}: use cpu, N or cuda:N, comma-separated.");
    if (!devices.Contains(null)) devices.Insert(0, null); // the CPU is the reference

    var temp = Directory.CreateTempSubdirectory("gpucheck-");
    try
    {
        string what;
        if (model is null)
        {
            model = RandomModel.Write(temp.FullName, preset!);
            what = $"generated: {preset} preset, random weights";
        }
        else
        {
            model = Path.GetFullPath(model);
            what = "given";
        }
        Console.WriteLine($"GpuCheck: the ML.NET ten-crop pipeline (ClassifyImagesWithAlexNet) on ONNX Runtime {OrtEnv.Instance().GetVersionString()}");
        Console.WriteLine($"model:   {model} ({what})");
        Console.WriteLine($"images:  {count} synthetic 320x240 colour images, ten crops each; row by row and in batches of {batch}");
        Console.WriteLine($"driver:  {(gpus.DriverVersion is { } v ? $"NVIDIA {v}, " + string.Join(", ", gpus.Gpus.Select(g => $"{g.Index}: {g.Name}")) : "no NVIDIA driver loaded")}");
        Console.WriteLine();

        var images = SyntheticImages.Make(count);
        // Each device row by row, then, where that ran, in batches; the CPU's row-by-row scores are the reference.
        var results = new List<DeviceResult>();
        foreach (var d in devices)
        {
            var rowByRow = TenCropRun.Run(model, images, d, batchSize: 1);
            results.Add(rowByRow);
            if (rowByRow.Ok) results.Add(TenCropRun.Run(model, images, d, batch));
        }
        var cpu = results[0];

        Console.WriteLine($"{"device",-8}  {"route",-12}  {"result",-7}  {"images/s",8}  max |score - cpu row-by-row score|");
        int exit = 0;
        foreach (var r in results)
        {
            if (!r.Ok)
            {
                Console.WriteLine($"{r.Device,-8}  {r.Route,-12}  {"FAILED",-7}  {"-",8}  {r.Problem}");
                if (r.Remedy is not null) Console.WriteLine($"{"",-8}  {"",-12}  {"",-7}  {"",8}  fix: {r.Remedy}");
                exit = Math.Max(exit, r.Device == "cpu" ? 1 : 3);
                continue;
            }
            string diff = "(reference)";
            if (!ReferenceEquals(r, cpu) && cpu.Ok)
            {
                float max = r.Scores.Zip(cpu.Scores, (a, b) => a.Zip(b, (x, y) => Math.Abs(x - y)).Max()).Max();
                diff = max.ToString("0.0e+0", CultureInfo.InvariantCulture) + (max <= tolerance ? " (agrees)" : $" (DIFFERS: over {tolerance.ToString(CultureInfo.InvariantCulture)})");
                if (max > tolerance && exit == 0) exit = 4;
            }
            Console.WriteLine($"{r.Device,-8}  {r.Route,-12}  {"ok",-7}  {r.ImagesPerSecond,8:F1}  {diff}");
        }
        Console.WriteLine();
        var cudaDevices = results.Where(r => r.Device != "cpu").GroupBy(r => r.Device).ToList();
        int cudaOk = cudaDevices.Count(g => g.All(r => r.Ok)), cudaAll = cudaDevices.Count;
        Console.WriteLine(exit switch
        {
            0 => $"OK: the CPU and {cudaOk} CUDA device(s) ran the model and agree.",
            1 => "FAILED: the model did not run on the CPU (exit code 1).",
            3 => $"CPU works; {cudaOk} of {cudaAll} CUDA device(s) usable (exit code 3).",
            _ => "CUDA runs but its scores differ from the CPU's beyond the tolerance (exit code 4).",
        });
        return exit;
    }
    finally
    {
        try { temp.Delete(recursive: true); } catch (IOException) { }
    }
}

// cpu, N or cuda:N, comma-separated; the CPU as null.
static bool TryDevices(string text, out List<int?> devices)
{
    devices = [];
    foreach (var d in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
    {
        if (d == "cpu") devices.Add(null);
        else if (int.TryParse(d.StartsWith("cuda:", StringComparison.Ordinal) ? d[5..] : d, NumberStyles.None, CultureInfo.InvariantCulture, out int id)) devices.Add(id);
        else return false;
    }
    return devices.Count > 0;
}
