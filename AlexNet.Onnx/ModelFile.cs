using AlexNet.Onnx.Export;
using AlexNet.Onnx.Metadata;
using Google.Protobuf;
using Onnx;

namespace AlexNet.Onnx;

/// <summary>
/// An image-classifier ONNX file checked and described: its preprocessing metadata and the names and
/// sizes of its input and outputs. Files written by <see cref="AlexNetOnnxWriter"/> describe themselves;
/// foreign AlexNet-style files (e.g. torchvision's, exported by PyTorch) open with explicit settings.
/// </summary>
public sealed class ModelFile
{
    /// <summary>Full path of the file.</summary>
    public string Path { get; }
    /// <summary>Labels, preprocessing and (for our files) architecture and training summary.</summary>
    public ModelMetadata Metadata { get; }
    /// <summary>True when the metadata came from the file itself, false when the caller supplied it.</summary>
    public bool IsSelfDescribing { get; }
    /// <summary>Name of the image input, float [batch, channels, size, size].</summary>
    public string InputName { get; }
    /// <summary>Name of the output holding class scores before the softmax.</summary>
    public string LogitsName { get; }
    /// <summary>Name of the softmax output, or null when the graph has none (the scorer then applies the softmax).</summary>
    public string? ProbabilitiesName { get; }
    /// <summary>Name of the fc7 feature output, or null when the graph has none.</summary>
    public string? FeaturesName { get; }
    /// <summary>Names of all the graph's outputs, in the file's order.</summary>
    public IReadOnlyList<string> OutputNames { get; }
    /// <summary>Number of classes.</summary>
    public int NumClasses { get; }
    /// <summary>Length of one feature vector, or 0 without a feature output.</summary>
    public int FeatureSize { get; }

    /// <summary>Class labels in output order.</summary>
    public IReadOnlyList<string> Labels => Metadata.Labels;
    /// <summary>Channels of the input crop.</summary>
    public int InputChannels => Metadata.InputChannels;
    /// <summary>Side of the input crop.</summary>
    public int InputSize => Metadata.InputSize;
    /// <summary>Floats in one preprocessed crop: channels × size × size.</summary>
    public int CropLength => InputChannels * InputSize * InputSize;

    private ModelFile(string path, ModelMetadata metadata, bool selfDescribing, string input, string logits,
        string? probabilities, string? features, IReadOnlyList<string> outputNames, int numClasses, int featureSize)
    {
        Path = path;
        Metadata = metadata;
        IsSelfDescribing = selfDescribing;
        InputName = input;
        LogitsName = logits;
        ProbabilitiesName = probabilities;
        FeaturesName = features;
        OutputNames = outputNames;
        NumClasses = numClasses;
        FeatureSize = featureSize;
    }

    /// <summary>Opens and checks a model file.</summary>
    /// <param name="path">Path of the .onnx file.</param>
    /// <param name="preprocessing">Explicit settings. Required for a file without AlexNet metadata; when given they
    /// replace the file's own. Empty labels stand for "0", "1", … up to the output size.</param>
    /// <exception cref="ModelFileException">The file is missing, empty, truncated, not ONNX, has weights that do not
    /// match its <see cref="MetadataKeys.WeightsSha256"/> checksum, lacks metadata without explicit settings, has a label count that does not match its output, or an input that is not [batch, C, S, S].</exception>
    public static ModelFile Open(string path, ModelMetadata? preprocessing = null) => Open(path, preprocessing, out _);

    /// <summary>Opens and checks a model file, and hands back the parsed file for a caller that builds on it (the
    /// serving graph), so the file is read and its weights hashed once.</summary>
    /// <param name="path">Path of the .onnx file.</param>
    /// <param name="preprocessing">Explicit settings, as in <see cref="Open(string, ModelMetadata?)"/>.</param>
    /// <param name="parsed">The parsed file; large for the paper preset (its weights), so let it go when done.</param>
    /// <exception cref="ModelFileException">As in <see cref="Open(string, ModelMetadata?)"/>.</exception>
    public static ModelFile Open(string path, ModelMetadata? preprocessing, out ModelProto parsed)
    {
        path = System.IO.Path.GetFullPath(path);
        var model = parsed = Parse(path);
        var graph = model.Graph;

        var props = ModelMetadata.Properties(model);
        bool selfDescribing = preprocessing is null;
        ModelMetadata metadata;
        try
        {
            if (preprocessing is not null)
            {
                preprocessing.Validate(path);
                metadata = preprocessing;
            }
            else metadata = ModelMetadata.FromModel(model, path);
        }
        catch (InvalidDataException e) { throw new ModelFileException(path, e.Message, e); }

        var initializers = graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var inputs = graph.Input.Where(i => !initializers.Contains(i.Name)).ToList();
        if (inputs.Count != 1)
            throw new ModelFileException(path, $"the graph has {inputs.Count} inputs ({string.Join(", ", inputs.Select(i => i.Name))}); an image classifier has exactly one.");
        var input = inputs[0];
        var inputDims = FloatDims(path, input, "input");
        if (inputDims.Length != 4)
            throw new ModelFileException(path, $"input '{input.Name}' has rank {inputDims.Length} ({DimsText(inputDims)}); expected rank 4 [batch, channels, height, width].");
        CheckDim(path, input.Name, inputDims, 1, metadata.InputChannels, "channels");
        CheckDim(path, input.Name, inputDims, 2, metadata.InputSize, "height");
        CheckDim(path, input.Name, inputDims, 3, metadata.InputSize, "width");

        var outputs = graph.Output.ToDictionary(o => o.Name, StringComparer.Ordinal);
        // A foreign file names its class scores as it likes (PyTorch's export: "output"); beside the known names
        // (fc7 as 'features', a softmax as 'probabilities') the one output left is taken for them.
        var others = graph.Output.Where(o => o.Name is not (AlexNetOnnxNames.Features or AlexNetOnnxNames.Probabilities)).ToList();
        var logits = outputs.GetValueOrDefault(AlexNetOnnxNames.Logits)
            ?? (graph.Output.Count == 1 ? graph.Output[0]
                : others.Count == 1 ? others[0]
                : throw new ModelFileException(path, $"the graph has {graph.Output.Count} outputs ({string.Join(", ", outputs.Keys)}) and none is named '{AlexNetOnnxNames.Logits}'; " +
                    $"name the class scores before the softmax '{AlexNetOnnxNames.Logits}', or leave them as the only output besides '{AlexNetOnnxNames.Features}' and '{AlexNetOnnxNames.Probabilities}'."));
        var logitDims = FloatDims(path, logits, "output");
        if (logitDims.Length != 2)
            throw new ModelFileException(path, $"output '{logits.Name}' has rank {logitDims.Length} ({DimsText(logitDims)}); expected [batch, classes].");

        int numClasses = logitDims[1] > 0 ? (int)logitDims[1]
            : metadata.Labels.Count > 0 ? metadata.Labels.Count
            : throw new ModelFileException(path, $"output '{logits.Name}' has no fixed class count and no labels were given.");
        if (metadata.Labels.Count == 0)
            metadata = metadata with { Labels = Enumerable.Range(0, numClasses).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray() };
        if (metadata.Labels.Count != numClasses)
            throw new ModelFileException(path, $"{metadata.Labels.Count} labels do not match output '{logits.Name}', which has {numClasses} classes.");

        var probabilities = outputs.GetValueOrDefault(AlexNetOnnxNames.Probabilities);
        if (probabilities is not null)
        {
            var dims = FloatDims(path, probabilities, "output");
            if (dims.Length != 2 || (dims[1] > 0 && dims[1] != numClasses))
                throw new ModelFileException(path, $"output '{probabilities.Name}' is {DimsText(dims)}; expected [batch, {numClasses}].");
        }
        var features = outputs.GetValueOrDefault(AlexNetOnnxNames.Features);
        int featureSize = 0;
        if (features is not null)
        {
            var dims = FloatDims(path, features, "output");
            if (dims.Length != 2 || dims[1] <= 0)
                throw new ModelFileException(path, $"output '{features.Name}' is {DimsText(dims)}; expected [batch, fixed feature size].");
            featureSize = (int)dims[1];
        }

        return new ModelFile(path, metadata, selfDescribing, input.Name, logits.Name, probabilities?.Name, features?.Name,
            graph.Output.Select(o => o.Name).ToArray(), numClasses, featureSize);
    }

    /// <summary>Parses the file into a model and checks its weights' checksum when it has one, turning every kind of
    /// unreadable or damaged file into an error that names it.</summary>
    internal static ModelProto Parse(string path)
    {
        if (!File.Exists(path))
            throw new ModelFileException(path, "the model file does not exist.", new FileNotFoundException(null, path));
        ModelProto model;
        try
        {
            using var stream = File.OpenRead(path);
            if (stream.Length == 0) throw new ModelFileException(path, "the model file is empty (0 bytes).");
            model = ModelProto.Parser.ParseFrom(stream);
        }
        catch (InvalidProtocolBufferException e)
        {
            bool truncated = e.Message.Contains("ended unexpectedly", StringComparison.Ordinal);
            throw new ModelFileException(path, truncated
                ? $"the model file is truncated ({new FileInfo(path).Length} bytes; the protobuf data ends in the middle of a field)."
                : $"the file is not an ONNX model (protobuf parse failed: {e.Message})", e);
        }
        catch (IOException e) { throw new ModelFileException(path, $"the model file cannot be read: {e.Message}", e); }
        catch (UnauthorizedAccessException e) { throw new ModelFileException(path, $"the model file cannot be read: {e.Message}", e); }

        // Arbitrary bytes sometimes parse as a protobuf message; an ONNX model always has these three.
        var missing = new List<string>();
        if (model.IrVersion <= 0) missing.Add("ir_version");
        if (model.OpsetImport.Count == 0) missing.Add("opset_import");
        if (model.Graph is null || model.Graph.Node.Count == 0) missing.Add("graph");
        if (missing.Count > 0)
            throw new ModelFileException(path, $"the file is not a complete ONNX model (no {string.Join(", ", missing)}); it is truncated or not ONNX.");
        // Here rather than in Open so that every reader of the bytes (Open, the serving graph, metadata) gets the check.
        WeightsChecksum.Verify(model, path);
        return model;
    }

    private static long[] FloatDims(string path, ValueInfoProto value, string role)
    {
        var tensor = value.Type?.TensorType
            ?? throw new ModelFileException(path, $"{role} '{value.Name}' is not a tensor.");
        if (tensor.ElemType != (int)TensorProto.Types.DataType.Float)
            throw new ModelFileException(path, $"{role} '{value.Name}' has element type {(TensorProto.Types.DataType)tensor.ElemType}; expected float.");
        if (tensor.Shape is null)
            throw new ModelFileException(path, $"{role} '{value.Name}' declares no shape.");
        // A symbolic or unknown dimension reads as -1.
        return tensor.Shape.Dim.Select(d => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue ? d.DimValue : -1).ToArray();
    }

    private static void CheckDim(string path, string input, long[] dims, int axis, int expected, string what)
    {
        if (dims[axis] > 0 && dims[axis] != expected)
            throw new ModelFileException(path, $"input '{input}' has {dims[axis]} {what} ({DimsText(dims)}); the preprocessing settings give {expected}.");
    }

    private static string DimsText(long[] dims) => "[" + string.Join(", ", dims.Select(d => d < 0 ? "?" : d.ToString(System.Globalization.CultureInfo.InvariantCulture))) + "]";
}
