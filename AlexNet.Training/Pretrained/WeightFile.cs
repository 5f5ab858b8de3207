using System.Text.Json;
using AlexNet.Training.Training;

namespace AlexNet.Training.Pretrained;

/// <summary>
/// Named float32 tensors read from a weight file, whatever its format: one of our checkpoints, a model.onnx from our
/// export, a PyTorch state dict (zip or legacy format) or a .safetensors file. The format is told from the content,
/// not the name. Names are the file's own (torchvision's features.0.weight stays so; <see cref="PretrainedStart"/> maps
/// them), except that a checkpoint's "model." prefix is dropped and an ONNX file's merged layers come back per tower.
/// Nothing runs Python: PyTorch zip and safetensors files are read with TorchSharp.PyBridge; legacy PyTorch files,
/// which PyBridge refuses, and zip files with tensor layouts it cannot read, with a small reader of our own
/// (<see cref="TorchSaveReader"/>).
/// </summary>
public sealed class WeightFile
{
    private static readonly byte[] CheckpointMagic = "ALXNCKPT"u8.ToArray();

    /// <summary>The file, as the caller named it.</summary>
    public string Path { get; }
    /// <summary>Its format.</summary>
    public WeightFormat Format { get; }
    /// <summary>The float tensors by name, converted to float32 (float64, float16 and bfloat16 are read too).</summary>
    public IReadOnlyDictionary<string, StoredTensor> Tensors { get; }
    /// <summary>Entries of the file that are not float tensors (integer buffers such as batch norm's
    /// num_batches_tracked, booleans), by the file's name, with the reason.</summary>
    public IReadOnlyList<PretrainedNote> Skipped { get; }
    /// <summary>The classes the head (fc8) was trained on, in its output order, where the file says: our checkpoints
    /// and model.onnx files do; PyTorch and safetensors files carry none (null).</summary>
    public IReadOnlyList<string>? ClassNames { get; }

    /// <summary>Wraps tensors that came from elsewhere (or were edited), to load them with <see cref="PretrainedStart.Load(Model.AlexNetModel, WeightFile, IReadOnlyList{string}?)"/>.</summary>
    /// <param name="path">Where they came from, for messages.</param>
    /// <param name="format">Their format.</param>
    /// <param name="tensors">The float tensors by name.</param>
    /// <param name="skipped">Entries that are not float tensors, if any.</param>
    /// <param name="classNames">The head's classes in output order, if known.</param>
    public WeightFile(string path, WeightFormat format, IReadOnlyDictionary<string, StoredTensor> tensors, IReadOnlyList<PretrainedNote>? skipped = null,
        IReadOnlyList<string>? classNames = null)
    {
        Path = path;
        Format = format;
        Tensors = tensors;
        Skipped = skipped ?? [];
        ClassNames = classNames;
    }

    /// <summary>Reads a weight file.</summary>
    /// <param name="path">The file.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is none of the formats, or is truncated or corrupt; the message starts with its path and says what is wrong.</exception>
    public static WeightFile Read(string path)
    {
        var format = Detect(path);
        var tensors = new Dictionary<string, StoredTensor>(StringComparer.Ordinal);
        var skipped = new List<PretrainedNote>();
        IReadOnlyList<string>? classNames = null;
        try
        {
            switch (format)
            {
                case WeightFormat.Checkpoint: classNames = ReadCheckpoint(path, tensors); break;
                case WeightFormat.Onnx: classNames = OnnxWeights.Read(path, tensors); break;
                case WeightFormat.PyTorchZip: PyBridgeFiles.ReadZip(path, tensors, skipped); break;
                case WeightFormat.PyTorchLegacy: TorchSaveReader.ReadLegacy(ReadAllBytes(path), tensors, skipped); break;
                case WeightFormat.Safetensors: PyBridgeFiles.ReadSafetensors(path, tensors, skipped); break;
            }
        }
        // Said as it is: the file may be a state dict, but one that asks for code to run.
        catch (RefusedGlobalException e) { throw Error(path, e.Message, e); }
        catch (InvalidDataException e)
        {
            throw Error(path, format switch
            {
                WeightFormat.PyTorchZip or WeightFormat.PyTorchLegacy => $"not a PyTorch state dict ({e.Message})",
                WeightFormat.Safetensors => $"not a readable .safetensors file ({e.Message})",
                WeightFormat.Checkpoint => $"not a readable checkpoint ({e.Message})",
                _ => e.Message,
            }, e);
        }
        catch (EndOfStreamException e) { throw Error(path, $"the file ends early; it is truncated ({e.Message})", e); }
        if (tensors.Count == 0 && skipped.Count == 0)
            throw Error(path, $"a {format.Describe()} without any tensors");
        CheckFinite(path, tensors);
        return new WeightFile(path, format, tensors, skipped, classNames);
    }

    // Every format comes through here: a NaN or infinite weight is refused at load, naming the tensors, rather than found
    // when the first step's loss is NaN or, in an export, when every score is.
    private static void CheckFinite(string path, Dictionary<string, StoredTensor> tensors)
    {
        const int Shown = 12;
        var bad = new List<string>();
        // By name: PyBridge's dictionary gives the zip format's tensors in no fixed order.
        foreach (var (name, t) in tensors.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            long nan = 0, infinite = 0;
            foreach (float v in t.Data)
                if (!float.IsFinite(v))
                {
                    if (float.IsNaN(v)) nan++;
                    else infinite++;
                }
            if (nan + infinite > 0)
                bad.Add($"'{name}' holds {Count(nan, "NaN")}{(nan > 0 && infinite > 0 ? " and " : "")}{Count(infinite, "infinite value")} of {t.Data.LongLength}");
        }
        if (bad.Count > 0)
            throw Error(path, $"non-finite weights: {string.Join("; ", bad.Take(Shown))}{(bad.Count > Shown ? $"; and {bad.Count - Shown} more tensors" : "")}. " +
                "A network with them scores NaN for every image; the file is damaged or came from a run that diverged");

        static string Count(long n, string what) => n == 0 ? "" : $"{n} {what}{(n == 1 || what == "NaN" ? "" : "s")}";
    }

    /// <summary>Tells the format from the file's first bytes (an ONNX protobuf has no magic: its first field, or the
    /// .onnx extension, decides).</summary>
    /// <param name="path">The file.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is empty or none of the formats.</exception>
    public static WeightFormat Detect(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: the weight file does not exist.", path);
        var head = new byte[16];
        long length;
        using (var stream = File.OpenRead(path))
        {
            length = stream.Length;
            head = head[..stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false)];
        }
        if (length == 0) throw Error(path, "the file is empty (0 bytes)");
        if (head.AsSpan().StartsWith(CheckpointMagic)) return WeightFormat.Checkpoint;
        // A zip archive's local header ("PK\3\4"), or an empty archive's end record ("PK\5\6").
        if (head is [(byte)'P', (byte)'K', 3, 4, ..] or [(byte)'P', (byte)'K', 5, 6, ..]) return WeightFormat.PyTorchZip;
        if (TorchSaveReader.LooksLikeLegacy(head)) return WeightFormat.PyTorchLegacy;
        if (PyBridgeFiles.LooksLikeSafetensors(head, length)) return WeightFormat.Safetensors;
        // ModelProto's field 1 (ir_version, a varint) comes first in files written by protobuf libraries.
        if (head[0] == 0x08 || System.IO.Path.GetExtension(path).Equals(".onnx", StringComparison.OrdinalIgnoreCase)) return WeightFormat.Onnx;
        string expected = System.IO.Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".pth" or ".pt" or ".bin" or ".tar" => "not a PyTorch state dict",
            ".safetensors" => "not a .safetensors file",
            ".ckpt" => "not an AlexNet checkpoint",
            _ => "not a weight file this reader knows (an AlexNet checkpoint, a model.onnx from our export, a PyTorch state dict or a .safetensors file)",
        };
        throw Error(path, $"{expected}: it starts with bytes {Convert.ToHexString(head[..Math.Min(8, head.Length)])}, " +
            "which are neither a zip archive, a pickle, a safetensors header, an ONNX model nor a checkpoint");
    }

    /// <summary>The error for a weight file: an <see cref="InvalidDataException"/> (which the command line reports as a file
    /// or data error, exit code 1) whose message starts with the file's path.</summary>
    internal static InvalidDataException Error(string path, string problem, Exception? inner = null) => new($"{path}: {problem}", inner);

    /// <summary>The reason a non-float entry is skipped.</summary>
    internal static string NotFloatReason(string name, string dtype) =>
        name.EndsWith("num_batches_tracked", StringComparison.Ordinal)
            ? $"batch norm's step counter ({dtype}), not a weight"
            : $"{dtype} tensor, not floating point, so not a weight";

    // The state block is read as plain JSON rather than TrainingState: only the tensors are wanted, and a checkpoint
    // from another version whose options no longer bind still has usable weights.
    // Returns the run's class names (TrainingState.ClassNames), when the state holds them.
    private static string[]? ReadCheckpoint(string path, Dictionary<string, StoredTensor> tensors)
    {
        var (state, stored) = Checkpoint.Load<JsonElement>(path);
        const string prefix = "model.";
        // velocity.* (the optimiser's momentum) and data.* (mean image, PCA) belong to the old run, not to the weights.
        foreach (var (name, t) in stored)
            if (name.StartsWith(prefix, StringComparison.Ordinal)) tensors[name[prefix.Length..]] = t;
        return state.ValueKind == JsonValueKind.Object && state.TryGetProperty(nameof(TrainingState.ClassNames), out var names) && names.ValueKind == JsonValueKind.Array
            ? [.. names.EnumerateArray().Select(n => n.GetString() ?? "")]
            : null;
    }

    private static byte[] ReadAllBytes(string path)
    {
        try { return File.ReadAllBytes(path); }
        catch (IOException e) when (new FileInfo(path).Length > Array.MaxLength)
        {
            throw new InvalidDataException("a legacy-format file over 2 GB, which this reader does not read; re-save it with torch.save's default zip format", e);
        }
    }
}
