using AlexNet.Onnx.Metadata;
using AlexNet.Onnx.Model;
using AlexNet.Training.Data;
using AlexNet.Training.Model;
using AlexNet.Training.Pretrained;
using AlexNet.Training.Training;

namespace AlexNet.Training.Export;

/// <summary>What <see cref="PretrainedExport.Write(string, string, string, IReadOnlyList{string}?)"/> wrote.</summary>
/// <param name="Path">The model.onnx.</param>
/// <param name="Format">The weight file's format.</param>
/// <param name="Architecture">The network exported.</param>
/// <param name="Labels">The class names, in output order.</param>
/// <param name="LabelSource">Where the names came from, in words ("--classes FILE", "ImageNet's (torchvision's list)", "the file's").</param>
public sealed record PretrainedExportResult(string Path, WeightFormat Format, AlexNetArchitecture Architecture, IReadOnlyList<string> Labels, string LabelSource);

/// <summary>
/// model.onnx straight from a weight file, with no training run (<c>alexnet export --init-from FILE --preset P</c>):
/// any file <see cref="WeightFile.Read"/> reads. The exported model must compute what the file's network computes, so
/// nothing of it may start afresh or be left out, and the preprocessing must be the network's own:
/// <list type="bullet">
/// <item>a PyTorch state dict or .safetensors file (names ours or torchvision's) goes into the preset's architecture,
/// with the class count of its last layer. Such a file carries no preprocessing, so only a preset with fixed channel
/// statistics exports from it: torchvision's, whose weights read (level/255 − ImageNet mean) / ImageNet std, as its
/// <c>transforms.Normalize</c> gives them. The paper and small presets subtract their training set's mean image, which
/// the file lacks.</item>
/// <item>one of our checkpoints, or a model.onnx from our export, names its own architecture, mean image, pixel scale
/// and classes; the preset must be the one it names.</item>
/// </list>
/// Class names: <c>classNames</c> when given, else the file's (our checkpoints and model.onnx files), else ImageNet's
/// (<see cref="ImageNetClasses"/>) for a 1000-class file; any other count needs them given.
/// </summary>
public static class PretrainedExport
{
    /// <summary>Reads a weight file and writes it as a model.onnx.</summary>
    /// <param name="weightsPath">The weight file.</param>
    /// <param name="preset">paper, small or torchvision.</param>
    /// <param name="output">Destination .onnx (written atomically).</param>
    /// <param name="classNames">The class names in output order, instead of the file's or ImageNet's; their count must
    /// be the file's class count.</param>
    /// <exception cref="FileNotFoundException">The weight file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file cannot be read, does not fit the preset, has no class names or
    /// preprocessing this export can give it, or <paramref name="classNames"/> has another count than its last layer.</exception>
    /// <exception cref="ArgumentException">An unknown preset.</exception>
    public static PretrainedExportResult Write(string weightsPath, string preset, string output, IReadOnlyList<string>? classNames = null)
    {
        CheckPresetName(preset);
        return Write(WeightFile.Read(weightsPath), preset, output, classNames);
    }

    /// <summary>Writes tensors already read (or edited) as a model.onnx; a checkpoint or model.onnx is read again from
    /// <see cref="WeightFile.Path"/> for its mean image and settings.</summary>
    /// <param name="file">The tensors.</param>
    /// <param name="preset">paper, small or torchvision.</param>
    /// <param name="output">Destination .onnx (written atomically).</param>
    /// <param name="classNames">The class names in output order, instead of the file's or ImageNet's.</param>
    /// <exception cref="InvalidDataException">As <see cref="Write(string, string, string, IReadOnlyList{string}?)"/>.</exception>
    /// <exception cref="ArgumentException">An unknown preset.</exception>
    public static PretrainedExportResult Write(WeightFile file, string preset, string output, IReadOnlyList<string>? classNames = null)
    {
        CheckPresetName(preset);
        return file.Format switch
        {
            WeightFormat.Checkpoint => FromCheckpoint(file, preset, output, classNames),
            WeightFormat.Onnx => FromOnnx(file, preset, output, classNames),
            _ => FromStateDict(file, preset, output, classNames),
        };
    }

    private static void CheckPresetName(string preset)
    {
        if (!AlexNetArchitecture.PresetNames.Contains(preset, StringComparer.OrdinalIgnoreCase))
            throw new ArgumentException($"Unknown preset '{preset}'. Use {string.Join(", ", AlexNetArchitecture.PresetNames.Select(p => $"'{p}'"))}.", nameof(preset));
    }

    private static PretrainedExportResult FromStateDict(WeightFile file, string preset, string output, IReadOnlyList<string>? classNames)
    {
        var (headName, head) = PretrainedStart.HeadWeight(file)
            ?? throw WeightFile.Error(file.Path, "has no classifier head (fc8.weight, torchvision's classifier.6.weight), whose rows give the class count the export needs");
        int classes = checked((int)head.Shape[0]);
        var arch = AlexNetArchitecture.FromPreset(preset, classes, 3);
        var statistics = arch.ChannelStatistics
            ?? throw WeightFile.Error(file.Path, $"a {file.Format.Describe()} carries no mean image, and the {arch.Preset} preset subtracts its training " +
                "set's; only a preset with fixed channel statistics (torchvision) exports from it. Export the run's checkpoint (export --checkpoint) instead");
        var (labels, source) = Labels(file, classNames, classes, $"{headName}, {Shape(head.Shape)}");
        using var model = new AlexNetModel(arch);
        Load(model, file);
        // The pixel scale the training library gives the preset (TrainOptions.EffectivePixelScale): levels/255, then the statistics.
        ModelExport.Write(model, MeanImage.FromStatistics(statistics, arch.ResizeSize), 1.0 / 255, labels, output);
        return new PretrainedExportResult(output, file.Format, arch, labels, source);
    }

    private static PretrainedExportResult FromCheckpoint(WeightFile file, string preset, string output, IReadOnlyList<string>? classNames)
    {
        using var trained = TrainedModel.Load(file.Path);
        var arch = trained.Architecture;
        CheckPreset(file, arch, preset);
        var (labels, source) = Labels(file, classNames, arch.NumClasses, $"fc8.weight, [{arch.NumClasses}, …]");
        ModelExport.Write(trained.Model, trained.Mean, trained.State.Options.EffectivePixelScale, labels, output, ModelExport.Summary(trained.State, null));
        return new PretrainedExportResult(output, file.Format, arch, labels, source);
    }

    private static PretrainedExportResult FromOnnx(WeightFile file, string preset, string output, IReadOnlyList<string>? classNames)
    {
        var metadata = ModelMetadata.Read(file.Path);
        // OnnxWeights refused a file without its architecture, so it is here.
        var arch = metadata.Architecture!;
        CheckPreset(file, arch, preset);
        var (labels, source) = Labels(file, classNames, arch.NumClasses, $"fc8.weight, [{arch.NumClasses}, …]");
        using var model = new AlexNetModel(arch);
        Load(model, file);
        // The file's mean is in scaled units (level·scale − mean'); the export takes it in levels and scales it again.
        int plane = arch.ResizeSize * arch.ResizeSize;
        var levels = new float[arch.InputChannels * plane];
        for (int c = 0; c < arch.InputChannels; c++)
            for (int i = 0; i < plane; i++)
                levels[c * plane + i] = metadata.Mean.At(c, i / arch.ResizeSize, i % arch.ResizeSize) / metadata.PixelScale;
        var mean = new MeanImage(arch.InputChannels, arch.ResizeSize, levels, metadata.ChannelStd);
        ModelExport.Write(model, mean, metadata.PixelScale, labels, output, metadata.Training);
        return new PretrainedExportResult(output, file.Format, arch, labels, source);
    }

    // Everything of the model from the file, and everything of the file's weights in the model: otherwise the export would
    // compute something else than the file's network.
    private static void Load(AlexNetModel model, WeightFile file)
    {
        var report = PretrainedStart.Load(model, file);
        var problems = report.InitialisedAfresh.Select(n => $"the model's {n.Name} would start afresh ({n.Reason})")
            .Concat(report.Unused.Where(n => file.Tensors.ContainsKey(n.Name)).Select(n => $"the file's {n.Name} would be left out ({n.Reason})"))
            .ToList();
        if (problems.Count > 0)
            throw WeightFile.Error(file.Path, $"is not the {model.Architecture.Preset} preset's network, so an export would not compute what it does: {string.Join("; ", problems)}");
        model.eval();
    }

    private static void CheckPreset(WeightFile file, AlexNetArchitecture arch, string preset)
    {
        if (!string.Equals(arch.Preset, preset, StringComparison.OrdinalIgnoreCase))
            throw WeightFile.Error(file.Path, $"a {file.Format.Describe()} of the {arch.Preset} preset, not {preset}; give --preset {arch.Preset}");
    }

    private static (IReadOnlyList<string> Labels, string Source) Labels(WeightFile file, IReadOnlyList<string>? given, int classes, string head)
    {
        if (given is not null)
        {
            if (given.Count != classes)
                throw WeightFile.Error(file.Path, $"its last layer ({head}) has {classes} classes, and the class names given are {given.Count}");
            return (given, "given");
        }
        if (file.ClassNames is { } named) return (named, "the file's");
        if (classes == ImageNetClasses.Count) return (ImageNetClasses.Names, "ImageNet's (torchvision's list)");
        throw WeightFile.Error(file.Path, $"names no classes, and its last layer ({head}) has {classes}, not ImageNet's {ImageNetClasses.Count}: " +
            "give their names (--classes FILE, one a line)");
    }

    private static string Shape(long[] shape) => $"[{string.Join(", ", shape)}]";
}
