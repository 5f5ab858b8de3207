using System.Diagnostics;
using AlexNet.MLNet;
using AlexNet.Onnx.Model;
using AlexNet.Training.Reporting;
using AlexNet.Training.Data;
using AlexNet.Training.Training;
using Microsoft.ML;
using Microsoft.ML.Data;

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
            Seed = o.Seed,
            Data = new() { Path = folder, TrainLimit = o.TrainLimit, ValLimit = o.EvalLimit },
            Optimisation = new() { BatchSize = o.BatchSize, LearningRate = o.LearningRate },
            Schedule = new() { Epochs = o.Epochs },
            Runtime = new() { RunDir = o.RunDir, Log = progress },
        };
        using var trainer = new Trainer(options, data);
        var trained = trainer.Run();
        var onnx = trained.OnnxPath ?? throw new InvalidOperationException("The trainer did not export model.onnx.");
        var kernels = Path.Combine(o.RunDir, KernelGridFile);
        ConvKernelGrid.Write(kernels, trainer.Model, KernelNormalisation.PerKernel);
        output.WriteLine($"Trained in {clock.Elapsed.TotalSeconds:F0} s; TorchSharp ten-crop test error {trained.Test?.TenCrop?.Top1Error:P2}.");

        // 2. The exported file in an ML.NET pipeline: ten-crop lives inside the generated serving graph. The label column is
        //    mapped to the model's class keys, so ML.NET's own evaluator compares each row's label with the right Score slot.
        var ml = new MLContext(seed: o.Seed);
        var rows = FashionMnistTestSet.Load(folder, o.EvalLimit);
        try
        {
            var test = ml.Data.LoadFromEnumerable(rows);
            var evaluation = new AlexNetOptions { LabelColumnName = nameof(FashionImage.Label) };
            MulticlassClassificationMetrics metrics;
            IReadOnlyList<string> classes;
            // Disposing the transformer (and the engine, which owns the reloaded chain) deletes ML.NET's temp copy of the graph.
            using (var scorer = ml.Transforms.ClassifyImagesWithAlexNet(onnx, nameof(FashionImage.Image), evaluation).Fit(test))
            {
                metrics = ml.MulticlassClassification.Evaluate(scorer.Transform(test));
                classes = scorer.Labels;
            }
            int correct = (int)Math.Round(metrics.MicroAccuracy * rows.Count);
            output.WriteLine($"Test accuracy through ML.NET (ten-crop, first {rows.Count:N0} Fashion-MNIST test images): " +
                             $"{metrics.MicroAccuracy:P2} ({correct:N0}/{rows.Count:N0} correct)");
            output.WriteLine($"ML.NET's Evaluate: micro-accuracy {metrics.MicroAccuracy:P2}, macro-accuracy {metrics.MacroAccuracy:P2}, log-loss {metrics.LogLoss:F4}");
            output.WriteLine(PerClassTable(metrics, classes));

            // 3. Save the serving pipeline (the ONNX bytes go inside; no label column needed), reload it, and predict through a
            //    PredictionEngine. MapKeyToValue turns the PredictedLabel key into the class name, as after any ML.NET trainer.
            var zip = Path.Combine(o.RunDir, MlNetModelFile);
            using (var model = ml.Transforms.ClassifyImagesWithAlexNet(onnx, nameof(FashionImage.Image))
                       .Append(ml.Transforms.Conversion.MapKeyToValue(nameof(FashionPrediction.PredictedLabel))).Fit(test))
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

    // One row per class: ML.NET's per-class figures, in the model's class order (Score's slots).
    private static string PerClassTable(MulticlassClassificationMetrics metrics, IReadOnlyList<string> classes)
    {
        var m = metrics.ConfusionMatrix;
        var table = new System.Text.StringBuilder($"  {"class",-12} {"recall",7} {"precision",9} {"log-loss",8} {"images",6}");
        for (int k = 0; k < m.NumberOfClasses; k++)
            table.Append(System.Globalization.CultureInfo.InvariantCulture,
                $"\n  {classes[k],-12} {m.PerClassRecall[k],7:P1} {m.PerClassPrecision[k],9:P1} {metrics.PerClassLogLoss[k],8:F4} {m.Counts[k].Sum(),6:F0}");
        return table.ToString();
    }
}
