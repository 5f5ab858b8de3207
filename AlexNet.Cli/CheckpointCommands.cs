using System.CommandLine;
using AlexNet.Onnx.Imaging;
using AlexNet.Onnx.Model;
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
        var output = new Option<string?>("--output") { Description = "destination .onnx [default: model.onnx beside the checkpoint; model.onnx here for --init-from]" };
        var command = new Command("export", "write model.onnx (opset 17) from a checkpoint, or from pretrained weights (--init-from) with no training")
        {
            checkpoint, initFrom, preset, classes, output,
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
        });
        command.SetAction(r =>
        {
            if (r.GetValue(initFrom) is { } weights)
            {
                var names = r.GetValue(classes) is { } list ? ReadClasses(list) : null;
                var written = PretrainedExport.Write(weights, r.GetValue(preset)!, r.GetValue(output) ?? "model.onnx", names);
                Console.WriteLine($"classes: {written.Labels.Count}, {written.LabelSource} ({string.Join(", ", written.Labels.Take(3))}, …)");
                Console.WriteLine($"model: {Path.GetFullPath(written.Path)}");
                return 0;
            }
            var path = r.GetValue(checkpoint)!;
            using var trained = TrainedModel.Load(path);
            var folder = Directory.Exists(path) ? path : Path.GetDirectoryName(Path.GetFullPath(path))!;
            var destination = r.GetValue(output) ?? Path.Combine(folder, "model.onnx");
            ModelExport.Write(trained, destination);
            Console.WriteLine($"model: {Path.GetFullPath(destination)}");
            return 0;
        });
        return command;
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
