using AlexNet.Training.Model;
using AlexNet.Training.Training;
using static TorchSharp.torch;

namespace AlexNet.Training.Pretrained;

/// <summary>
/// Starts a model from pretrained weights (train --init-from FILE): every tensor of the model (parameters and batch
/// norm's running statistics, <see cref="AlexNetModel.NamedState"/>) is copied from the file's tensor of the same
/// name and shape. Names are ours (checkpoints, our model.onnx, files saved with our names) or torchvision's, mapped
/// through <see cref="TorchvisionKeys"/>; DataParallel's "module." prefix is removed first.
/// <para>The rules: the classifier head (fc8.weight, fc8.bias) of another shape, as when the file was trained on
/// another class count, or missing from the file, keeps the model's fresh initialisation and is reported. So does a
/// head of the right shape that the file says was trained on other classes (our checkpoints and model.onnx name
/// them): row k of it scores the file's class k, and copying it would start this run's class k from another class's
/// weights, as torchvision's fine-tuning tutorial avoids by replacing the last layer. Any other
/// tensor of the model that the file lacks, or has in another shape, is an error naming it: a partial start would
/// silently train from a mix. Nothing is copied unless everything fits.</para>
/// </summary>
public static class PretrainedStart
{
    private const string ModulePrefix = "module.";
    private const int ProblemsShown = 12;

    /// <summary>Reads <paramref name="path"/> (<see cref="WeightFile.Read"/>) and loads it into <paramref name="model"/>.</summary>
    /// <param name="model">The freshly built model, in any placement; its tensors are overwritten in place.</param>
    /// <param name="path">The weight file.</param>
    /// <param name="classNames">This run's classes in output order; when given and the file names others, the head
    /// starts afresh.</param>
    /// <returns>What was loaded, kept fresh, and left unused.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file cannot be read, or a tensor other than the head is missing or mis-shaped.</exception>
    public static PretrainedReport Load(AlexNetModel model, string path, IReadOnlyList<string>? classNames = null) =>
        Load(model, WeightFile.Read(path), classNames);

    /// <summary>Loads tensors already read into <paramref name="model"/>.</summary>
    /// <param name="model">The freshly built model, in any placement; its tensors are overwritten in place.</param>
    /// <param name="file">The tensors.</param>
    /// <param name="classNames">This run's classes in output order; when given and the file names others, the head
    /// starts afresh.</param>
    /// <returns>What was loaded, kept fresh, and left unused.</returns>
    /// <exception cref="InvalidDataException">A tensor other than the head is missing or mis-shaped; the message names each (up to twelve) with both shapes.</exception>
    public static PretrainedReport Load(AlexNetModel model, WeightFile file, IReadOnlyList<string>? classNames = null)
    {
        var otherClasses = file.ClassNames is { } fileClasses && classNames is { } runClasses && !fileClasses.SequenceEqual(runClasses, StringComparer.Ordinal)
            ? $"the file's head was trained on other classes ({Classes(fileClasses)}) than this run's ({Classes(runClasses)})"
            : null;
        var arch = model.Architecture;
        var (torchvision, modulePrefix) = Naming(file);

        var unused = new List<PretrainedNote>(file.Skipped);
        var byName = new Dictionary<string, (string FileName, StoredTensor Tensor)>(StringComparer.Ordinal);
        foreach (var (fileName, t) in file.Tensors)
        {
            var ours = OurName(fileName, torchvision);
            if (ours is null)
            {
                unused.Add(new(fileName, "not a layer of torchvision's AlexNet"));
                continue;
            }
            if (byName.TryGetValue(ours, out var other))
                throw WeightFile.Error(file.Path, $"both '{other.FileName}' and '{fileName}' stand for the model's {ours}");
            byName[ours] = (fileName, t);
        }
        string InFile(string ours) => torchvision && TorchvisionKeys.ToTorchvision(ours) is { } tv ? tv : ours;
        string Named(string ours, string fileName) => fileName == ours ? ours : $"{ours} ('{fileName}' in the file)";

        var loaded = new List<string>();
        var fileNames = new Dictionary<string, string>(StringComparer.Ordinal);
        var afresh = new List<PretrainedNote>();
        var problems = new List<string>();
        var copies = new List<(Tensor Target, StoredTensor Source)>();
        foreach (var (name, target) in model.NamedState())
        {
            long[] needed = target.shape;
            bool head = name is "fc8.weight" or "fc8.bias";
            if (!byName.Remove(name, out var found))
            {
                if (head) afresh.Add(new(name, $"the file has no {InFile(name)}"));
                else problems.Add($"it lacks {(InFile(name) is var tv && tv != name ? $"{name} (torchvision's '{tv}')" : name)}, which the model needs as {Shape(needed)}");
                continue;
            }
            var (fileName, source) = found;
            if (!source.Shape.SequenceEqual(needed))
            {
                if (head) afresh.Add(new(name, HeadReason(source.Shape, needed, arch.NumClasses)));
                else problems.Add($"{Named(name, fileName)} is {Shape(source.Shape)} in the file, the model needs {Shape(needed)}");
                continue;
            }
            if (head && otherClasses is not null)
            {
                afresh.Add(new(name, otherClasses));
                continue;
            }
            if (source.Data.LongLength != needed.Aggregate(1L, (a, d) => a * d))
            {
                problems.Add($"{Named(name, fileName)} holds {source.Data.LongLength} values for shape {Shape(needed)}");
                continue;
            }
            loaded.Add(name);
            if (fileName != name) fileNames[name] = fileName;
            copies.Add((target, source));
        }
        foreach (var (ours, (fileName, _)) in byName)
            unused.Add(new(fileName, fileName == ours ? "the model has no tensor of this name" : $"the model has no {ours}"));

        if (problems.Count > 0)
        {
            var shown = string.Join("; ", problems.Take(ProblemsShown)) + (problems.Count > ProblemsShown ? $"; and {problems.Count - ProblemsShown} more" : "");
            // Said once, after the list: an ONNX start of a batch-norm model lacks every bn* tensor for the same reason.
            var hint = file.Format == WeightFormat.Onnx && arch.BatchNorm
                ? ". The export folds batch norm into the convs, so a model.onnx has no bn* tensors and cannot start a batch-norm model; start it from the run's checkpoint instead"
                : "";
            throw WeightFile.Error(file.Path,
                $"does not fit this model ({arch.Preset} preset, {arch.Towers} tower(s), {arch.NumClasses} classes): {shown}{hint}");
        }

        // copy_ moves each tensor to its parameter's device, so the towers may sit anywhere (PlaceTowers, cuda:N).
        using (var scope = NewDisposeScope())
        using (no_grad())
            foreach (var (target, source) in copies)
                target.copy_(tensor(source.Data, source.Shape));

        unused.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return new PretrainedReport
        {
            SourcePath = file.Path,
            Format = file.Format,
            TorchvisionNames = torchvision,
            ModulePrefixRemoved = modulePrefix,
            Loaded = loaded,
            FileNames = fileNames,
            InitialisedAfresh = afresh,
            Unused = unused,
        };
    }

    /// <summary>The file's classifier head weight (our fc8.weight, torchvision's classifier.6.weight), whose rows are
    /// the classes the file was trained on, or null when the file has none.</summary>
    /// <param name="file">The tensors.</param>
    /// <returns>The file's name for the tensor and the tensor.</returns>
    public static (string FileName, StoredTensor Tensor)? HeadWeight(WeightFile file)
    {
        var (torchvision, _) = Naming(file);
        foreach (var (fileName, t) in file.Tensors)
            if (OurName(fileName, torchvision) == "fc8.weight") return (fileName, t);
        return null;
    }

    // Whether the file's names are torchvision's, and whether they carry DataParallel's prefix.
    private static (bool Torchvision, bool ModulePrefix) Naming(WeightFile file) =>
        (file.Format is not (WeightFormat.Checkpoint or WeightFormat.Onnx) && TorchvisionKeys.Apply(file.Tensors.Keys.Select(Strip)),
         file.Tensors.Keys.Any(k => k.StartsWith(ModulePrefix, StringComparison.Ordinal)));

    private static string Strip(string name) => name.StartsWith(ModulePrefix, StringComparison.Ordinal) ? name[ModulePrefix.Length..] : name;

    // The model's name for one of the file's, or null for a torchvision name that is no layer of its AlexNet.
    private static string? OurName(string fileName, bool torchvision) => torchvision ? TorchvisionKeys.ToOurs(Strip(fileName)) : Strip(fileName);

    private static string HeadReason(long[] inFile, long[] needed, int classes) =>
        inFile.Length > 0 && inFile[0] != needed[0]
            ? $"the file has {Shape(inFile)}, this run has {classes} classes ({Shape(needed)})"
            : $"the file has {Shape(inFile)}, the model needs {Shape(needed)}";

    private static string Shape(long[] shape) => $"[{string.Join(", ", shape)}]";

    // The first few names, enough to see which classes they are.
    private static string Classes(IReadOnlyList<string> names) =>
        string.Join(", ", names.Take(4)) + (names.Count > 4 ? $", … {names.Count} in all" : "");
}
