using System.Diagnostics;
using AlexNet.MLNet;
using AlexNet.MLNet.Images;
using AlexNet.Onnx.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace AlexNet.Samples.GpuCheck;

/// <summary>
/// Runs the ML.NET ten-crop pipeline (ClassifyImagesWithAlexNet) over the images on one device and times it: row by row
/// (batch size 1, ML.NET's own ONNX step, as a PredictionEngine scores) or in batches of B images per ONNX Runtime run
/// (AlexNetTransformer.Transform's bulk path, which is what keeps a GPU busy).
/// </summary>
internal static class TenCropRun
{
    public static DeviceResult Run(string modelPath, IReadOnlyList<MLImage> images, int? gpuDeviceId, int batchSize)
    {
        var device = gpuDeviceId is int id ? $"cuda:{id}" : "cpu";
        var route = batchSize == 1 ? "row by row" : $"batch of {batchSize}";
        if (gpuDeviceId is int d)
        {
            // A real CUDA session first: its failure comes back in plain words, naming what is missing.
            var probe = CudaSessionProbe.Check(d);
            if (!probe.Usable) return new DeviceResult(device, route, false, 0, [], probe.Problem, probe.Remedy);
        }
        try
        {
            var ml = new MLContext(seed: 1);
            var schema = ImageInput.Schema();
            var options = new AlexNetOptions { GpuDeviceId = gpuDeviceId, FallbackToCpu = false, BatchSize = batchSize };
            var data = ml.Data.LoadFromEnumerable(images.Select(i => new ImageInput { Image = i }).ToList(), schema);
            using var model = ml.Transforms.ClassifyImagesWithAlexNet(modelPath, nameof(ImageInput.Image), options).Fit(data);

            // Warm-up: the first batch pays for session start, CUDA context and cuDNN's algorithm search for its shape.
            var first = ml.Data.LoadFromEnumerable(images.Take(batchSize).Select(i => new ImageInput { Image = i }).ToList(), schema);
            _ = ml.Data.CreateEnumerable<ScoreRow>(model.Transform(first), reuseRowObject: false).ToList();

            var clock = Stopwatch.StartNew();
            var scores = ml.Data.CreateEnumerable<ScoreRow>(model.Transform(data), reuseRowObject: false).Select(r => r.Score).ToList();
            clock.Stop();
            return new DeviceResult(device, route, true, images.Count / clock.Elapsed.TotalSeconds, scores);
        }
        catch (Exception e) when (e is InvalidOperationException or Microsoft.ML.OnnxRuntime.OnnxRuntimeException)
        {
            return new DeviceResult(device, route, false, 0, [], e.Message.Split('\n')[0], "run `doctor` (AlexNet.Training) or see docs/GPU.md");
        }
    }
}
