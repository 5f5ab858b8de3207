using AlexNet.Bench.Compute;
using AlexNet.Bench.Harness;
using AlexNet.Bench.Inference;
using AlexNet.Bench.Setup;
using AlexNet.Bench.Training;
using AlexNet.Onnx;
using AlexNet.Training.Model;

namespace AlexNet.Bench;

/// <summary>
/// Inference and training speed for one preset: ours and the peers in interleaved rounds, the CPU's FMA peak and
/// the best sgemm measured in the same rounds, and the section of the report.
/// </summary>
public static class SpeedSuite
{
    /// <summary>Measures every preset asked for and returns the report, with the threads each framework ran on.</summary>
    /// <param name="o">What to measure and how long.</param>
    /// <param name="folder">Temporary folder for the models and images.</param>
    /// <param name="log">Progress.</param>
    public static string Run(SpeedOptions o, string folder, TextWriter log)
    {
        if (o.Threads > 0) TorchSharp.torch.set_num_threads(o.Threads);
        log.WriteLine($"TorchSharp intra-op threads: {TorchSharp.torch.get_num_threads()}");
        using var reference = o.Python is null ? null : new PyTorchReference(o.Python, TorchSharp.torch.get_num_threads());
        var sections = new List<string>
        {
            $"Threads: TorchSharp {TorchSharp.torch.get_num_threads()} intra-op; ONNX Runtime and ML.NET at their defaults" +
            (reference != null ? $"; {reference.Info}." : ".") +
            $" libtorch's large tensors on transparent huge pages (THP_MEM_ALLOC_ENABLE, as the trainer sets it): {(AlexNet.Training.Model.HugePages.Active ? "on" : "off")}.",
            "",
        };
        foreach (var preset in o.Presets) sections.Add(Run(preset, o, folder, reference, log));
        return string.Join(Environment.NewLine, sections);
    }

    /// <summary>Measures a preset and returns its Markdown section.</summary>
    /// <param name="preset">small or paper.</param>
    /// <param name="o">What to measure and how long.</param>
    /// <param name="folder">Temporary folder for the model and images.</param>
    /// <param name="python">The PyTorch server, or null to skip the PyTorch peer.</param>
    /// <param name="log">Progress.</param>
    private static string Run(string preset, SpeedOptions o, string folder, PyTorchReference? python, TextWriter log)
    {
        int runs = o.Runs, warmup = o.Warmup, batch = o.Batch;
        double minSeconds = o.MinSeconds ?? (preset == "paper" ? 2 : 1);
        var report = new Report(preset);

        log.WriteLine($"[{preset}] exporting the model and writing images to {folder}");
        var trainingData = o.SkipTraining ? null : BenchTrainingData.For(preset);
        using var model = BenchModel.Create(preset, folder, preset == "small" ? trainingData?.Mean : null);
        var file = ModelFile.Open(model.OnnxPath);
        var images = BenchImages.For(preset, folder);
        report.Setup(model, images, new FileInfo(model.OnnxPath).Length);

        // The cases open ML.NET pipelines and ONNX Runtime sessions: build them only when they will run.
        if (!o.SkipInference)
        {
            var crops = ReadyCrops.Centre(file, images, batch);
            var inference = new List<BenchCase>
            {
                new MlNetTenCrop(model.OnnxPath, images),
                new MlNetTenCrop(model.OnnxPath, images, ownLoadImages: true),
                new MlNetStockRoute(file, images),
                new BareOnnxRuntime("infer.ort10", file, ReadyCrops.Ten(file, images[0]), cropsPerImage: 10),
                new BareOnnxRuntime("infer.ort10.lrnop", ModelFile.Open(model.LrnOperatorOnnxPath), ReadyCrops.Ten(file, images[0]), cropsPerImage: 10,
                    description: "before: the same, with ONNX's LRN operator in the graph (the export until this run)"),
                new ScorerWithDecoding(file, images, batch),
                new BareOnnxRuntime("infer.ort", file, crops),
                new TorchSharpEager(model.Network, crops),
                new FmaPeak(),
                new TorchSgemm(),
                new OrtSgemm(),
            };
            if (python != null) inference.Add(python.Case("infer.pytorch", $"PyTorch eager (bench/pytorch_reference.py), batch {batch}, ready tensor", "infer", preset, batch));
            log.WriteLine($"[{preset}] inference: {warmup} warm-up + {runs} rounds of {inference.Count} cases, ≥ {minSeconds} s each");
            var inferenceResults = Rounds.Run(inference, warmup, runs, minSeconds, log);
            foreach (var c in inference) c.Dispose();
            report.Inference(inferenceResults, runs, warmup, minSeconds);
        }

        if (trainingData != null)
        {
            // paper: a round of one step per case (4–6 s) swung ±15 % between rounds on the 2-core VM; about three
            // steps per case and three rounds give medians that hold to a few per cent.
            int trainRuns = o.TrainRuns ?? (preset == "paper" ? 3 : runs);
            double trainSeconds = o.TrainSeconds ?? (preset == "paper" ? 10 : 5);
            var training = new List<BenchCase>
            {
                new TrainingSteps(trainingData, modelPerRun: true),
                // The other --memory-format, in the same rounds: the A/B of the activations' layout.
                new TrainingSteps(trainingData, modelPerRun: true, memoryFormat: TrainingSteps.TrainersMemoryFormat == MemoryFormat.ChannelsLast
                    ? MemoryFormat.Contiguous : MemoryFormat.ChannelsLast),
                new TrainingSteps(trainingData, withoutLrn: true, modelPerRun: true),
                new TrainingSteps(trainingData, referenceForms: true, modelPerRun: true),
                new LoaderAlone(trainingData),
                new FmaPeak(),
                new TorchSgemm(),
                new OrtSgemm(),
            };
            // The peer runs after our four steps, right before the loader: whichever of our cases followed it ran up
            // to a third slower (paper without LRN: 22–29 images/s after it, 35–38 without it in the rounds; with
            // libtorch's huge pages only, cause not found), so it no longer sits between the two LRN rows.
            if (python != null) training.Insert(4, python.Case("train.pytorch", "PyTorch 2-tower AlexNet step (bench/pytorch_reference.py), SGD, batch 128, ready tensors", "train", preset, 128));
            log.WriteLine($"[{preset}] training: {warmup} warm-up + {trainRuns} rounds, ≥ {trainSeconds} s each");
            var trainingResults = Rounds.Run(training, warmup, trainRuns, trainSeconds, log);
            foreach (var c in training) c.Dispose();
            report.Training(trainingResults, trainRuns, warmup, trainSeconds);
        }
        return report.ToMarkdown();
    }
}
