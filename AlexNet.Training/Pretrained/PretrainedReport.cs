using System.Text;
using AlexNet.Onnx.Export;

namespace AlexNet.Training.Pretrained;

/// <summary>What <see cref="PretrainedStart.Load(Model.AlexNetModel, string, IReadOnlyList{string}?)"/> did with each tensor: copied from the
/// file, kept at the model's fresh initialisation (the classifier head of another class count), or left unused in the file.</summary>
public sealed class PretrainedReport
{
    /// <summary>The report's file name in a run folder.</summary>
    public const string FileName = "init-from.txt";

    /// <summary>The weight file, as the caller named it.</summary>
    public required string SourcePath { get; init; }
    /// <summary>Its format.</summary>
    public required WeightFormat Format { get; init; }
    /// <summary>True when the file's names were torchvision's (features.*, classifier.*) and were mapped through <see cref="TorchvisionKeys"/>.</summary>
    public bool TorchvisionNames { get; init; }
    /// <summary>True when the file's names carried DataParallel's "module." prefix, which was removed.</summary>
    public bool ModulePrefixRemoved { get; init; }
    /// <summary>The model's tensors copied from the file, by the model's names, in the model's order.</summary>
    public required IReadOnlyList<string> Loaded { get; init; }
    /// <summary>The file's name of each loaded tensor where it differs from the model's (torchvision's names, "module.").</summary>
    public IReadOnlyDictionary<string, string> FileNames { get; init; } = new Dictionary<string, string>();
    /// <summary>The model's tensors that kept their fresh initialisation, with the reason (only the classifier head, fc8).</summary>
    public required IReadOnlyList<PretrainedNote> InitialisedAfresh { get; init; }
    /// <summary>The file's tensors and entries that were not used, by the file's names, with the reason.</summary>
    public required IReadOnlyList<PretrainedNote> Unused { get; init; }

    /// <summary>Writes the report as short text: the source, the counts, then each list.</summary>
    /// <param name="writer">Destination.</param>
    public void Write(TextWriter writer)
    {
        var names = (TorchvisionNames ? "torchvision's names" : "our names") + (ModulePrefixRemoved ? ", \"module.\" prefix removed" : "");
        writer.WriteLine($"init-from: {SourcePath} ({Format.Describe()}, {names})");
        writer.WriteLine($"{Loaded.Count} loaded, {InitialisedAfresh.Count} initialised afresh, {Unused.Count} unused in the file");
        if (Loaded.Count > 0)
        {
            writer.WriteLine("loaded:");
            foreach (var name in Loaded)
                writer.WriteLine(FileNames.TryGetValue(name, out var from) ? $"  {name} <- {from}" : $"  {name}");
        }
        if (InitialisedAfresh.Count > 0)
        {
            writer.WriteLine("initialised afresh:");
            foreach (var note in InitialisedAfresh) writer.WriteLine($"  {note}");
        }
        if (Unused.Count > 0)
        {
            writer.WriteLine("unused in the file:");
            foreach (var note in Unused) writer.WriteLine($"  {note}");
        }
    }

    /// <summary>The text <see cref="Write"/> gives.</summary>
    public override string ToString()
    {
        using var text = new StringWriter { NewLine = "\n" };
        Write(text);
        return text.ToString();
    }

    /// <summary>Writes the report into a run folder as <see cref="FileName"/>, atomically (a reader sees the old file or the whole new one).</summary>
    /// <param name="runDirectory">The run folder; created when missing.</param>
    /// <returns>The report's path.</returns>
    public string WriteTo(string runDirectory)
    {
        var path = Path.Combine(runDirectory, FileName);
        AtomicFile.Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true) { NewLine = "\n" };
            Write(writer);
        });
        return path;
    }
}
