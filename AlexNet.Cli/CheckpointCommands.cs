using System.CommandLine;
using AlexNet.Onnx;
using AlexNet.Onnx.Imaging;
using AlexNet.Onnx.Model;
using AlexNet.Onnx.Serving;
using AlexNet.Training.Data;
using AlexNet.Training.Export;
using AlexNet.Training.Training;

namespace AlexNet.Cli;

/// <summary><c>evaluate</c>: top-1 and top-5 error of a checkpoint with a centre crop and with ten crops.</summary>
public static class EvaluateCommand
{
    /// <summary>The evaluate command.</summary>
    public static Command Build()
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "checkpoint file or run folder", Required = true };
        var data = new Option<string>("--data") { Description = "dataset folder (IDX or ImageNet-style)", DefaultValueFactory = _ => new DataOptions().Path };
        var split = new Option<string>("--split") { Description = "test or val", DefaultValueFactory = _ => "test" }.AcceptOnlyFromAmong("test", "val");
        var limit = new Option<int?>("--eval-limit") { Description = "use at most this many images [default: all]" };
        var batch = new Option<int>("--batch-size") { Description = "images per forward pass", DefaultValueFactory = _ => 64 }.Positive();
        var workers = new Option<int>("--workers") { Description = "data-loading threads", DefaultValueFactory = _ => new RuntimeOptions().Workers }.Positive();
        var command = new Command("evaluate", "top-1/top-5 error of a checkpoint, centre crop and ten-crop") { checkpoint, data, split, limit, batch, workers };
        command.SetAction(r =>
        {
            using var trained = TrainedModel.Load(r.GetValue(checkpoint)!);
            var a = trained.Architecture;
            var set = TrainingData.Open(r.GetValue(data)!, a.ResizeSize, a.InputChannels, evalLimit: r.GetValue(limit)) is var d && r.GetValue(split) == "val"
                ? d.Validation : d.Test ?? d.Validation;
            int size = r.GetValue(batch), threads = r.GetValue(workers);
            double scale = trained.State.Options.EffectivePixelScale;
            var centre = Evaluator.Evaluate(trained.Model, set, trained.Mean, scale, CropMode.CentreCrop, size, threads);
            var ten = Evaluator.Evaluate(trained.Model, set, trained.Mean, scale, CropMode.TenCrop, Math.Max(1, size / 10), threads);
            Console.WriteLine($"{set.Count} images");
            Console.WriteLine($"centre crop: top-1 error {centre.Top1Error:P2}, top-5 error {centre.Top5Error:P2} (accuracy {1 - centre.Top1Error:P2})");
            Console.WriteLine($"ten-crop:    top-1 error {ten.Top1Error:P2}, top-5 error {ten.Top5Error:P2} (accuracy {1 - ten.Top1Error:P2})");
            return 0;
        });
        return command;
    }
}

/// <summary><c>export</c>: model.onnx from a checkpoint, or from any weight file <c>train --init-from</c> reads (pretrained
/// weights served with no training run).</summary>
public static class ExportCommand
{
    /// <summary>The export command.</summary>
    public static Command Build()
    {
        var checkpoint = new Option<string?>("--checkpoint") { Description = "checkpoint file or run folder" };
        var initFrom = new Option<string?>("--init-from")
        {
            Description = "a weight file train --init-from reads (torchvision's .pth, a PyTorch state dict, .safetensors, a checkpoint, a model.onnx), exported with no training",
        };
        var preset = new Option<string?>("--preset") { Description = "the network of the --init-from file: paper, small or torchvision" }
            .AcceptOnlyFromAmong([.. AlexNetArchitecture.PresetNames]);
        var classes = new Option<string?>("--classes")
        {
            Description = "class names for --init-from, one a line in output order [default: the file's; ImageNet's for a 1000-class file that names none]",
        };
        var output = new Option<string?>("--output")
        {
            Description = "destination .onnx [default: model.onnx beside the checkpoint; model.onnx here for --init-from; none with --serving]",
        };
        var serving = new Option<string?>("--serving")
        {
            Description = "also write the serving graph ML.NET runs (crops, network, softmax average, labels) as a standalone ONNX file with a batch axis: DIR/serving.onnx",
        };
        var triton = new Option<bool>("--triton")
        {
            Description = "with --serving: write DIR as a Triton model repository instead: DIR/<name>/1/model.onnx, config.pbtxt, labels.txt",
        };
        var cropMode = new Option<string>("--crop-mode")
        {
            Description = "with --serving: the crops the network sees", DefaultValueFactory = _ => CropModeNames[0],
        }.AcceptOnlyFromAmong(CropModeNames);
        var modelName = new Option<string>("--model-name")
        {
            Description = "with --triton: the model's name (its folder in the repository)", DefaultValueFactory = _ => new TritonOptions().ModelName,
        };
        var maxBatch = new Option<int>("--max-batch-size")
        {
            Description = "with --triton: config.pbtxt's max_batch_size, the most images in one execution", DefaultValueFactory = _ => new TritonOptions().MaxBatchSize,
        }.Positive();
        var command = new Command("export", "write model.onnx (opset 17) from a checkpoint, or from pretrained weights (--init-from) with no training; " +
                                            "--serving: the serving graph for ONNX Runtime or Triton")
        {
            checkpoint, initFrom, preset, classes, output, serving, triton, cropMode, modelName, maxBatch,
        };
        command.Validators.Add(r =>
        {
            bool fromCheckpoint = r.GetResult(checkpoint) is not null, fromWeights = r.GetResult(initFrom) is not null;
            if (fromCheckpoint == fromWeights)
                r.AddError(fromCheckpoint
                    ? "--checkpoint and --init-from are two sources; give one: --checkpoint for a run's checkpoint, --init-from for any weight file."
                    : "export needs a source: --checkpoint (a run's checkpoint or folder) or --init-from (a weight file, with --preset).");
            else if (fromWeights && r.GetResult(preset) is null)
                r.AddError("--init-from needs --preset (paper, small or torchvision): the network its weights belong to.");
            else if (fromCheckpoint && (r.GetResult(preset) ?? r.GetResult(classes)) is { } extra)
                r.AddError($"{extra.IdentifierToken?.Value ?? "--preset"} goes with --init-from; a checkpoint names its own preset and classes.");
            if (r.GetResult(serving) is null && (r.GetResult(triton) ?? r.GetResult(cropMode)) is { Implicit: false } servingOnly)
                r.AddError($"{servingOnly.IdentifierToken?.Value ?? "--triton"} goes with --serving DIR, the folder the serving graph is written to.");
            else if (!r.GetValue(triton) && (r.GetResult(modelName) ?? r.GetResult(maxBatch)) is { Implicit: false } tritonOnly)
                r.AddError($"{tritonOnly.IdentifierToken?.Value ?? "--model-name"} goes with --triton; it sets the Triton model configuration.");
        });
        command.SetAction(r =>
        {
            var servingFolder = r.GetValue(serving);
            // With --serving and no --output the classifier is only a step towards the serving graph: a temp file,
            // named model.onnx as the graph's doc string names it.
            string? scratchFolder = servingFolder is not null && r.GetValue(output) is null
                ? Path.Combine(Path.GetTempPath(), $"alexnet-export-{Guid.NewGuid():N}") : null;
            string? scratch = scratchFolder is null ? null : Path.Combine(scratchFolder, "model.onnx");
            try
            {
                string written;
                if (r.GetValue(initFrom) is { } weights)
                {
                    var names = r.GetValue(classes) is { } list ? ReadClasses(list) : null;
                    var result = PretrainedExport.Write(weights, r.GetValue(preset)!, scratch ?? r.GetValue(output) ?? "model.onnx", names);
                    Console.WriteLine($"classes: {result.Labels.Count}, {result.LabelSource} ({string.Join(", ", result.Labels.Take(3))}, …)");
                    written = result.Path;
                }
                else
                {
                    var path = r.GetValue(checkpoint)!;
                    using var trained = TrainedModel.Load(path);
                    var folder = Directory.Exists(path) ? path : Path.GetDirectoryName(Path.GetFullPath(path))!;
                    written = scratch ?? r.GetValue(output) ?? Path.Combine(folder, "model.onnx");
                    ModelExport.Write(trained, written);
                }
                if (scratch is null) Console.WriteLine($"model: {Path.GetFullPath(written)}");
                if (servingFolder is not null)
                    WriteServing(ModelFile.Open(written), servingFolder, ParseCropMode(r.GetValue(cropMode)!), r.GetValue(triton),
                        new TritonOptions
                        {
                            ModelName = r.GetValue(modelName)!, MaxBatchSize = r.GetValue(maxBatch),
                            Source = r.GetValue(initFrom) is { } file ? $"{Path.GetFileName(file)} (--preset {r.GetValue(preset)})" : $"checkpoint {Path.GetFileName(Path.TrimEndingDirectorySeparator(r.GetValue(checkpoint)!))}",
                        });
                return 0;
            }
            finally
            {
                if (scratchFolder is not null && Directory.Exists(scratchFolder)) Directory.Delete(scratchFolder, recursive: true);
            }
        });
        return command;
    }

    /// <summary>The <c>--crop-mode</c> values, the default first (ML.NET's <c>AlexNetOptions.CropMode</c>).</summary>
    private static readonly string[] CropModeNames = ["ten-crop", "centre-crop", "whole-image"];

    private static CropMode ParseCropMode(string name) => name switch
    {
        "ten-crop" => CropMode.TenCrop,
        "centre-crop" => CropMode.CentreCrop,
        _ => CropMode.WholeImage,
    };

    private static void WriteServing(ModelFile model, string folder, CropMode mode, bool triton, TritonOptions options)
    {
        var m = model.Metadata;
        if (triton)
        {
            var repository = ServingExport.WriteTriton(model, folder, mode, options);
            Console.WriteLine($"triton model: {Path.GetFullPath(repository.ModelFolder)} ({ServingExport.ConfigFileName}, {ServingExport.LabelsFileName}, " +
                              $"{ServingExport.TritonVersion}/{ServingExport.TritonModelFileName})");
        }
        else
            Console.WriteLine($"serving graph: {Path.GetFullPath(ServingExport.WriteGraph(model, folder, mode))}");
        // What a client must send: the graph takes the resized image, not an encoded file.
        Console.WriteLine($"input pixels: float32 [N, {m.InputChannels}, {m.ResizeSize}, {m.ResizeSize}], {m.ChannelOrder.ToString().ToUpperInvariant()} planes, 0-255, " +
                          $"shorter side resized to {m.ResizeSize} and centre-cropped; outputs Score [N, {model.NumClasses}], PredictedLabel [N]");
    }

    // One name a line; a trailing newline (or \r\n) adds no class, an empty line inside the list is an error.
    private static string[] ReadClasses(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"--classes: '{path}' does not exist.", path);
        var lines = File.ReadAllText(path).Replace("\r\n", "\n").TrimEnd('\n').Split('\n');
        int empty = Array.FindIndex(lines, l => l.Trim().Length == 0);
        if (empty >= 0) throw new InvalidDataException($"{path}: line {empty + 1} is empty; --classes takes one class name a line.");
        return lines;
    }
}

/// <summary><c>prepare</c>: a resized copy of an image tree, shorter side R and the central R×R kept, as the paper did.</summary>
public static class PrepareCommand
{
    /// <summary>The prepare command.</summary>
    public static Command Build()
    {
        var source = new Option<string>("--source") { Description = "image-folder tree to copy (e.g. an ImageNet train/ or val/ folder)", Required = true };
        var destination = new Option<string>("--destination") { Description = "where the resized PNG copies go (same sub-folders)", Required = true };
        var size = new Option<int>("--size") { Description = "shorter side, then the centre size×size", DefaultValueFactory = _ => 256 }.Positive();
        var command = new Command("prepare", "write a resized copy of an image-folder tree (shorter side 256, centre crop), as the paper did") { source, destination, size };
        command.SetAction(r =>
        {
            var to = r.GetValue(destination)!;
            var report = FolderPreparation.Prepare(r.GetValue(source)!, to, r.GetValue(size), progress: new Progress<int>(n =>
            {
                if (n % 1000 == 0) Console.Error.WriteLine($"{n} images prepared");
            }));
            Console.WriteLine($"prepared {report.Written} images, {report.AlreadyPresent} already present, {report.Skipped.Count} skipped -> {Path.GetFullPath(to)}");
            foreach (var s in report.Skipped) Console.WriteLine($"  skipped {s.Path}: {s.Reason}");
            return 0;
        });
        return command;
    }
}
