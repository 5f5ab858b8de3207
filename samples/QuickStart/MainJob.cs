using System.Diagnostics;
using AlexNet.MLNet;
using AlexNet.Onnx.Model;
using AlexNet.Training.Reporting;
using AlexNet.Training.Data;
using AlexNet.Training.Training;
using Microsoft.ML;

namespace AlexNet.Samples.QuickStart;

/// <summary>
/// The whole product in one run: train the `small` AlexNet (TorchSharp) → model.onnx → an ML.NET pipeline with the
/// paper's ten-crop → accuracy on the Fashion-MNIST test set measured through ML.NET → predictions through a
/// PredictionEngine on the reloaded zip → the conv1 kernels as a picture (the paper's Figure 3).
/// </summary>
public static class MainJob
{
    /// <summary>File name of the ML.NET model zip in the run folder.</summary>
    public const string MlNetModelFile = "classifier.zip";
    /// <summary>File name of the conv1 kernel grid in the run folder.</summary>
    public const string KernelGridFile = "conv1-kernels.png";

    /// <summary>Runs the main job.</summary>
    /// <param name="o">Options.</param>
    /// <param name="output">Receives the report: measured accuracy, predictions and where each output went.</param>
    /// <param name="progress">Receives training progress; null is silent.</param>
    public static QuickStartResult Run(QuickStartOptions o, TextWriter output, TextWriter? progress)
    {
        var clock = Stopwatch.StartNew();
        var folder = o.DataFolder;
        var arch = AlexNetArchitecture.Small(FashionMnist.ClassNames.Count, 1);

        // 1. Train (section 5's SGD, random crops and flips) and export model.onnx.
        var data = TrainingData.Open(folder, arch.ResizeSize, 1, o.TrainLimit, o.EvalLimit);
        output.WriteLine($"Training the small AlexNet on {data.Train.Count:N0} Fashion-MNIST images for {o.Epochs} epoch(s)…");
        var options = new TrainOptions
        {
            Preset = "small", Data = folder, RunDir = o.RunDir, Epochs = o.Epochs, BatchSize = o.BatchSize,
            LearningRate = o.LearningRate, Seed = o.Seed, TrainLimit = o.TrainLimit, ValLimit = o.EvalLimit, Log = progress,
        };
        using var trainer = new Trainer(options, data);
        var trained = trainer.Run();
        var onnx = trained.OnnxPath ?? throw new InvalidOperationException("The trainer did not export model.onnx.");
        var kernels = Path.Combine(o.RunDir, KernelGridFile);
        ConvKernelGrid.Write(kernels, trainer.Model, KernelNormalisation.PerKernel);
        output.WriteLine($"Trained in {clock.Elapsed.TotalSeconds:F0} s; TorchSharp ten-crop test error {trained.Test?.TenCrop?.Top1Error:P2}.");

        // 2. The exported file in an ML.NET pipeline: ten-crop lives inside the generated serving graph.
        var ml = new MLContext(seed: o.Seed);
        var rows = FashionMnistTestSet.Load(folder, o.EvalLimit);
        try
        {
            var test = ml.Data.LoadFromEnumerable(rows);
            // Disposing the transformer (and the engine, which owns the reloaded chain) deletes ML.NET's temp copy of the graph.
            using var model = ml.Transforms.ClassifyImagesWithAlexNet(onnx, nameof(FashionImage.Image)).Fit(test);
            var scored = ml.Data.CreateEnumerable<ScoredRow>(model.Transform(test), reuseRowObject: false);
            int correct = scored.Count(r => r.PredictedLabel == r.Label);
            output.WriteLine($"Test accuracy through ML.NET (ten-crop, first {rows.Count:N0} Fashion-MNIST test images): " +
                             $"{(double)correct / rows.Count:P2} ({correct:N0}/{rows.Count:N0} correct)");

            // 3. Save the pipeline (the ONNX bytes go inside), reload it, and predict through a PredictionEngine.
            var zip = Path.Combine(o.RunDir, MlNetModelFile);
            SaveAtomically(ml, model, test.Schema, zip);
            var reloaded = ml.Model.Load(zip, out _);
            using var engine = ml.Model.CreatePredictionEngine<FashionImage, FashionPrediction>(reloaded);
            output.WriteLine("Predictions from the reloaded zip:");
            foreach (var row in rows.Take(o.Predictions))
            {
                var p = engine.Predict(row);
                output.WriteLine($"  true {row.Label,-12} predicted {p.PredictedLabel,-12} p = {p.Score.Max():F3}");
            }

            var result = new QuickStartResult(Path.GetFullPath(trained.CheckpointPath), Path.GetFullPath(Path.Combine(o.RunDir, "metrics.csv")),
                Path.GetFullPath(Path.Combine(o.RunDir, "training-curve.png")), Path.GetFullPath(onnx), Path.GetFullPath(zip),
                Path.GetFullPath(kernels), rows.Count, correct, trained.Test?.TenCrop?.Top1Error);
            output.WriteLine($"Outputs ({clock.Elapsed.TotalSeconds:F0} s in all):");
            output.WriteLine($"  checkpoint      {result.Checkpoint}");
            output.WriteLine($"  metrics         {result.Metrics}");
            output.WriteLine($"  training curve  {result.TrainingCurve}");
            output.WriteLine($"  ONNX model      {result.OnnxModel}");
            output.WriteLine($"  ML.NET model    {result.MlNetModel}");
            output.WriteLine($"  conv1 kernels   {result.KernelGrid} (each kernel normalised to its own min–max; tower 1 above tower 2)");
            return result;
        }
        finally
        {
            foreach (var row in rows) row.Image?.Dispose();
        }
    }

    private static void SaveAtomically(MLContext ml, ITransformer model, Microsoft.ML.DataViewSchema schema, string path)
    {
        var temp = path + $".{Environment.ProcessId}.tmp";
        try
        {
            ml.Model.Save(model, schema, temp);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    private sealed class ScoredRow
    {
        public string Label { get; set; } = "";
        public string PredictedLabel { get; set; } = "";
    }
}
