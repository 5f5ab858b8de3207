using AlexNet.MLNet.Images;
using AlexNet.MLNet.Labels;
using AlexNet.MLNet.Serving;
using AlexNet.Onnx;
using AlexNet.Onnx.Export;
using AlexNet.Onnx.Metadata;
using AlexNet.Onnx.Serving;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace AlexNet.MLNet;

/// <summary>
/// Classifies an image column with an exported AlexNet. It composes ML.NET's own transforms, so the fitted pipeline
/// saves and loads with <c>mlContext.Model.Save</c>/<c>Load</c> and needs no side files. One image's way:
/// <list type="number">
/// <item>a path column: <see cref="ImageFileCheck"/> (errors name the file), then <c>LoadImages</c>; a column of encoded
/// bytes: <see cref="EncodedImageDecoding"/>; an <c>MLImage</c> column skips this;</item>
/// <item><c>ResizeImages</c> (IsoCrop, centre anchor, to the model's resize side R: the shorter side scaled to R, the
/// centre R×R kept, SkiaSharp high-quality filtering, exactly as AlexNet.Onnx.Imaging prepares training images);</item>
/// <item><c>ExtractPixels</c> (planar, raw 0–255 levels; R, G, B planes for an RGB model, B, G, R for a BGR one, the
/// red plane for a 1-channel model);</item>
/// <item><c>ApplyOnnxModel</c> on a generated <see cref="ServingGraph"/> (mean, crops, the network, softmax average,
/// labels) → <c>Score</c>, and <c>Features</c> when asked;</item>
/// <item><see cref="PredictedLabelUnwrapping"/> and <c>MapValueToKey</c> with the model's labels as key data →
/// <c>PredictedLabel</c>, a key whose key values are the class labels in <c>Score</c>'s slot order (and, with
/// <see cref="AlexNetOptions.LabelColumnName"/>, the label column through <see cref="LabelCheck"/> to the same key);</item>
/// <item>the intermediate <c>AlexNet.*</c> columns dropped.</item>
/// </list>
/// </summary>
public sealed class AlexNetEstimator : IEstimator<AlexNetTransformer>
{
    private readonly TransformsCatalog _catalog;
    private readonly Lock _gate = new();
    private readonly IDataView _classKeys;
    private ServingSession _serving;

    /// <summary>The classifier file, its labels and preprocessing.</summary>
    public ModelFile Model { get; }
    /// <summary>The input column: image file paths (text), encoded images (bytes, e.g. from <c>LoadRawImageBytes</c>), or images
    /// (e.g. from <c>LoadImages</c> or in-memory <c>MLImage</c> objects).</summary>
    public string InputColumnName { get; }
    /// <summary>Crop mode, columns, batch size and device.</summary>
    public AlexNetOptions Options { get; }
    /// <summary>Class labels in score order.</summary>
    public IReadOnlyList<string> Labels => Model.Labels;

    internal AlexNetEstimator(TransformsCatalog catalog, string modelPath, string inputColumnName, AlexNetOptions? options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentException.ThrowIfNullOrWhiteSpace(modelPath);
        ArgumentException.ThrowIfNullOrWhiteSpace(inputColumnName);
        _catalog = catalog;
        Options = options ?? new AlexNetOptions();
        InputColumnName = inputColumnName;
        CheckOptions(Options);
        // The file is read and its weights hashed once, for the checks and the serving graph alike.
        Model = ModelFile.Open(modelPath, Options.Preprocessing, out var source);
        CheckLabels(Model);
        CheckFeatures(Model, Options);
        _classKeys = ClassKeys.DataView(Model.Labels);
        _serving = new ServingSession(catalog, Model, source, Options);
    }

    /// <summary>Fits the composed pipeline (nothing is learned; this checks the input schema).</summary>
    /// <param name="input">Data with the image or image-path column (and the label column when one is set).</param>
    /// <exception cref="ArgumentException">A column is missing or of the wrong type, or, with no label column set and the
    /// default score column, a key column named Label names the model's classes in another order than theirs (Evaluate's
    /// defaults would then compare different classes).</exception>
    public AlexNetTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var schema = input.Schema;
        var source = SourceOf(schema.GetColumnOrNull(InputColumnName)?.Type, schema.Select(c => c.Name));
        bool? labelIsKey = LabelIsKey(schema);
        CheckKeyOrder(schema);

        var serving = Acquire();
        try
        {
            var prepare = Prepare(source, labelIsKey).Fit(input);
            var prepared = prepare.Transform(input);
            var onnx = serving.FitOnnx(prepared);
            var label = Label(source, labelIsKey is not null).Fit(onnx.Transform(prepared));
            return new AlexNetTransformer(prepare, onnx, label, serving, Options);
        }
        catch
        {
            serving.Release();
            throw;
        }
    }

    /// <summary>The output schema: the input columns plus score, predicted label and, when asked, features (and the label column as a key).</summary>
    /// <param name="inputSchema">Shape of the input.</param>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        var column = inputSchema.FirstOrDefault(c => c.Name == InputColumnName);
        var source = SourceOf(column.Name is null ? null : column.Kind == SchemaShape.Column.VectorKind.Scalar ? column.ItemType : new VectorDataViewType((PrimitiveDataViewType)column.ItemType),
            inputSchema.Select(c => c.Name));
        bool? labelIsKey = null;
        if (Options.LabelColumnName is { } name)
        {
            var label = inputSchema.FirstOrDefault(c => c.Name == name);
            if (label.Name is null) throw MissingLabel(inputSchema.Select(c => c.Name));
            labelIsKey = label.IsKey;
        }
        ServingSession serving;
        lock (_gate) serving = _serving;
        return Prepare(source, labelIsKey).Append(serving.Onnx).Append(Label(source, labelIsKey is not null)).GetOutputSchema(inputSchema);
    }

    // The estimator's session while a transformer holds it; a new one (the model file read again) once all were disposed.
    private ServingSession Acquire()
    {
        lock (_gate)
        {
            if (_serving.TryAcquire()) return _serving;
            var model = ModelFile.Open(Model.Path, Options.Preprocessing, out var source);
            _serving = new ServingSession(_catalog, model, source, Options);
            _serving.TryAcquire();
            return _serving;
        }
    }

    private IEstimator<ITransformer> Prepare(ImageSource source, bool? labelIsKey)
    {
        var t = _catalog;
        var m = Model.Metadata;
        int r = m.ResizeSize;
        string image = source == ImageSource.Images ? InputColumnName : AlexNetColumns.Image;
        IEstimator<ITransformer> chain = new EstimatorChain<ITransformer>();
        if (source == ImageSource.Paths)
            chain = chain.Append(t.CopyColumns(AlexNetColumns.ImagePath, InputColumnName))
                .Append(t.CustomMapping<ImageFileCheck.ImagePath, ImageFileCheck.CheckedImagePath>(ImageFileCheck.Check, ImageFileCheck.ContractName))
                .Append(t.LoadImages(AlexNetColumns.Image, imageFolder: null, AlexNetColumns.CheckedImagePath));
        if (source == ImageSource.EncodedBytes)
            chain = chain.Append(t.CopyColumns(AlexNetColumns.EncodedImage, InputColumnName))
                .Append(t.CustomMapping<EncodedImageDecoding.EncodedImage, EncodedImageDecoding.DecodedImage>(EncodedImageDecoding.Decode,
                    EncodedImageDecoding.ContractName, outputSchemaDefinition: EncodedImageDecoding.OutputSchema()));
        chain = chain.Append(t.ResizeImages(AlexNetColumns.ResizedImage, r, r, image,
                ImageResizingEstimator.ResizingKind.IsoCrop, ImageResizingEstimator.Anchor.Center))
            .Append(t.ExtractPixels(AlexNetColumns.Pixels, AlexNetColumns.ResizedImage,
                colorsToExtract: m.InputChannels == 1 ? ImagePixelExtractingEstimator.ColorBits.Red : ImagePixelExtractingEstimator.ColorBits.Rgb,
                orderOfExtraction: m.ChannelOrder == ChannelOrder.Bgr ? ImagePixelExtractingEstimator.ColorsOrder.ABGR : ImagePixelExtractingEstimator.ColorsOrder.ARGB,
                interleavePixelColors: false, offsetImage: 0f, scaleImage: 1f));
        // A key label is read by name, so a key made in any order (MapValueToKey's first-appearance order) is re-keyed.
        if (labelIsKey is bool key && Options.LabelColumnName is { } label)
            chain = key ? chain.Append(t.Conversion.MapKeyToValue(AlexNetColumns.Label, label)) : chain.Append(t.CopyColumns(AlexNetColumns.Label, label));
        return chain;
    }

    private IEstimator<ITransformer> Label(ImageSource source, bool withLabel)
    {
        var t = _catalog;
        IEstimator<ITransformer> chain = t.CustomMapping<PredictedLabelUnwrapping.LabelVector, PredictedLabelUnwrapping.Label>(
            PredictedLabelUnwrapping.Map, PredictedLabelUnwrapping.ContractName);
        var keys = new List<InputOutputColumnPair> { new(Options.PredictedLabelColumnName, AlexNetColumns.PredictedLabel) };
        if (withLabel)
        {
            chain = chain.Append(t.CustomMapping<LabelCheck.LabelAndClasses, LabelCheck.CheckedLabel>(LabelCheck.Check, LabelCheck.ContractName));
            keys.Add(new(Options.LabelColumnName!, AlexNetColumns.CheckedLabel));
        }
        // Key values from the model's labels in score order, so key k is Score's slot k − 1 (ML.NET keys count from 1).
        chain = chain.Append(t.Conversion.MapValueToKey([.. keys], keyData: _classKeys));
        string[] dropped = withLabel
            ? [AlexNetColumns.ResizedImage, AlexNetColumns.Pixels, AlexNetColumns.PredictedLabelVector, AlexNetColumns.PredictedLabel,
               AlexNetColumns.Label, AlexNetColumns.Classes, AlexNetColumns.CheckedLabel]
            : [AlexNetColumns.ResizedImage, AlexNetColumns.Pixels, AlexNetColumns.PredictedLabelVector, AlexNetColumns.PredictedLabel];
        string[] loading = source switch
        {
            ImageSource.Paths => [AlexNetColumns.ImagePath, AlexNetColumns.CheckedImagePath, AlexNetColumns.Image],
            ImageSource.EncodedBytes => [AlexNetColumns.EncodedImage, AlexNetColumns.Image],
            _ => [],
        };
        return chain.Append(t.DropColumns([.. loading, .. dropped]));
    }

    private enum ImageSource { Paths, EncodedBytes, Images }

    private ImageSource SourceOf(DataViewType? type, IEnumerable<string> columns) => type switch
    {
        null => throw new ArgumentException(
            $"Column '{InputColumnName}' is not in the input (columns: {string.Join(", ", columns)}). ClassifyImagesWithAlexNet reads a column of " +
            "image file paths, of encoded images (bytes) or of images (from mlContext.Transforms.LoadImages(...) or MLImage objects).", nameof(InputColumnName)),
        TextDataViewType => ImageSource.Paths,
        VectorDataViewType { ItemType: var item } when item == NumberDataViewType.Byte => ImageSource.EncodedBytes,
        ImageDataViewType => ImageSource.Images,
        _ => throw new ArgumentException(
            $"Column '{InputColumnName}' holds {type}; ClassifyImagesWithAlexNet reads image file paths (text), encoded images (a vector of bytes, " +
            "e.g. from LoadRawImageBytes) or images (add mlContext.Transforms.LoadImages(...) before it, or give it MLImage objects).", nameof(InputColumnName)),
    };

    // Null without a label column; whether it is a key (with text key values) or text.
    private bool? LabelIsKey(DataViewSchema schema)
    {
        if (Options.LabelColumnName is not { } name) return null;
        var column = schema.GetColumnOrNull(name) ?? throw MissingLabel(schema.Select(c => c.Name));
        if (column.Type is TextDataViewType) return false;
        if (column.Type is KeyDataViewType && KeyValues(column) is not null) return true;
        throw new ArgumentException(
            $"Column '{name}' (AlexNetOptions.LabelColumnName) holds {column.Type}{(column.Type is KeyDataViewType ? " without text key values" : "")}; " +
            "it must hold the class names as text, or be a key with text key values (MapValueToKey's output), so that each row's class can be found by name.",
            nameof(Options.LabelColumnName));
    }

    private ArgumentException MissingLabel(IEnumerable<string> columns) => new(
        $"Column '{Options.LabelColumnName}' (AlexNetOptions.LabelColumnName) is not in the input (columns: {string.Join(", ", columns)}).",
        nameof(Options.LabelColumnName));

    // Evaluate's defaults pair a "Label" column with "Score". A key "Label" that names the model's classes in another
    // order would pass Evaluate and compare key k with slot k − 1 of another class: refuse it, and say how to re-key it.
    // (Other key columns are left alone: a downstream trainer's label keys are its own business.)
    private void CheckKeyOrder(DataViewSchema schema)
    {
        const string evaluateLabel = "Label", evaluateScore = "Score";
        if (Options.LabelColumnName is not null || Options.ScoreColumnName != evaluateScore) return;
        if (schema.GetColumnOrNull(evaluateLabel) is not { Type: KeyDataViewType } column) return;
        if (KeyValues(column) is not { } values || !values.Any(v => Labels.Contains(v))) return;
        int k = Enumerable.Range(0, values.Length).FirstOrDefault(i => i >= Labels.Count || values[i] != Labels[i], -1);
        if (k < 0) return;
        throw new ArgumentException(
            $"Column '{evaluateLabel}' is a key whose values name the model's classes in another order: its key {k + 1} is '{values[k]}', " +
            $"but the model's class {k + 1} (Score slot {k}) is {(k < Labels.Count ? $"'{Labels[k]}'" : "absent")}. ML.NET's Evaluate would compare " +
            $"them as the same class. Set AlexNetOptions.LabelColumnName = \"{evaluateLabel}\" to have it re-keyed in the model's class order.",
            nameof(schema));
    }

    private static string[]? KeyValues(DataViewSchema.Column column)
    {
        if (column.Annotations.Schema.GetColumnOrNull("KeyValues")?.Type is not VectorDataViewType { ItemType: TextDataViewType })
            return null;
        var values = default(VBuffer<ReadOnlyMemory<char>>);
        column.GetKeyValues(ref values);
        return [.. values.DenseValues().Select(v => v.ToString())];
    }

    private static void CheckOptions(AlexNetOptions o)
    {
        var names = new List<string> { o.ScoreColumnName, o.PredictedLabelColumnName };
        if (o.EmitFeatures) names.Add(o.FeaturesColumnName);
        if (o.LabelColumnName is not null) names.Add(o.LabelColumnName);
        foreach (var name in names)
        {
            if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("Column names cannot be empty.", nameof(o));
            if (name.StartsWith(AlexNetColumns.Prefix, StringComparison.Ordinal) || name.StartsWith(ServingGraph.InlinedPrefix, StringComparison.Ordinal))
                throw new ArgumentException($"Column '{name}': names starting with '{AlexNetColumns.Prefix}' or '{ServingGraph.InlinedPrefix}' are reserved for intermediate columns.", nameof(o));
        }
        if (names.Distinct(StringComparer.Ordinal).Count() != names.Count)
            throw new ArgumentException($"Column names must differ: {string.Join(", ", names)}.", nameof(o));
        if (o.BatchSize < 1)
            throw new ArgumentOutOfRangeException(nameof(o), o.BatchSize, "AlexNetOptions.BatchSize is the number of images per ONNX Runtime run: 1 or more.");
        if (o.IntraOpThreads < 0)
            throw new ArgumentOutOfRangeException(nameof(o), o.IntraOpThreads, "AlexNetOptions.IntraOpThreads is the number of threads per ONNX Runtime run: 0 (ONNX Runtime chooses) or more.");
    }

    // Before the serving graph is built, so the error says what to do rather than only what is missing.
    private static void CheckFeatures(ModelFile model, AlexNetOptions o)
    {
        if (!o.EmitFeatures || model.FeaturesName is not null) return;
        throw new ArgumentException(
            $"{model.Path}: AlexNetOptions.EmitFeatures asks for the fc7 features, but the graph has no output named '{AlexNetOnnxNames.Features}' " +
            $"(its outputs: {string.Join(", ", model.OutputNames.Select(n => $"'{n}'"))}). Export fc7, the activation after the second fully " +
            $"connected layer ([batch, fc7 units]), as a second output named '{AlexNetOnnxNames.Features}': from PyTorch, a forward that returns " +
            $"(logits, fc7) (torchvision's AlexNet: fc7 is the output of classifier[5]) exported with torch.onnx.export(..., output_names=[\"{model.LogitsName}\", " +
            $"\"{AlexNetOnnxNames.Features}\"]). Or leave EmitFeatures off.",
            "options");
    }

    // The labels become PredictedLabel's key values; MapValueToKey skips empty values and merges repeats, which would
    // shift every later key off its Score slot.
    private static void CheckLabels(ModelFile model)
    {
        var labels = model.Labels;
        if (labels.FirstOrDefault(string.IsNullOrEmpty) is not null)
            throw new ModelFileException(model.Path, $"class {labels.ToList().FindIndex(string.IsNullOrEmpty)} has an empty label; PredictedLabel's key values must be non-empty.");
        var repeated = labels.GroupBy(l => l, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (repeated is not null)
            throw new ModelFileException(model.Path, $"the label '{repeated.Key}' names {repeated.Count()} classes; PredictedLabel's key values must be distinct.");
    }
}
