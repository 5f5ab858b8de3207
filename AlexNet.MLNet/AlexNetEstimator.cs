using AlexNet.MLNet.Serving;
using AlexNet.MLNet.Images;
using AlexNet.MLNet.Labels;
using AlexNet.Onnx;
using AlexNet.Onnx.Metadata;
using AlexNet.Onnx.Serving;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace AlexNet.MLNet;

/// <summary>
/// Classifies an image column with an exported AlexNet. It composes ML.NET's own transforms, so the fitted pipeline
/// saves and loads with <c>mlContext.Model.Save</c>/<c>Load</c> and needs no side files. For a column of image file
/// paths it first checks each file (<see cref="ImageFileCheck"/>, errors name the file) and loads it with
/// <c>LoadImages</c>; an <c>MLImage</c> column goes straight on to
/// <c>ResizeImages</c> (IsoCrop, centre anchor, to the model's resize side R: the shorter side scaled to R, the centre
/// R×R kept, SkiaSharp high-quality filtering, exactly as AlexNet.Onnx.Imaging prepares training images) →
/// <c>ExtractPixels</c> (planar, raw 0–255 levels; R, G, B planes for an RGB model, B, G, R for a BGR one, the red
/// plane for a 1-channel model) → <c>ApplyOnnxModel</c> on a generated <see cref="ServingGraph"/> (mean, crops,
/// the network, softmax average, labels) → a saved-by-name mapping that makes the label a scalar → copy to the
/// requested column names and drop the intermediate columns.
/// </summary>
public sealed class AlexNetEstimator : IEstimator<AlexNetTransformer>
{
    private readonly TransformsCatalog _catalog;
    private readonly IEstimator<ITransformer> _onnx;
    private readonly string _graphFile;

    /// <summary>The classifier file, its labels and preprocessing.</summary>
    public ModelFile Model { get; }
    /// <summary>The input column: image file paths (text), or images (e.g. from <c>LoadImages</c> or in-memory <c>MLImage</c> objects).</summary>
    public string InputColumnName { get; }
    /// <summary>Crop mode, output columns and device.</summary>
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
        CheckColumnNames(Options);
        Model = ModelFile.Open(modelPath, Options.Preprocessing);
        // Built once: ApplyOnnxModel opens its ONNX Runtime session when it is created.
        (_onnx, _graphFile) = ApplyServingGraph(catalog, Model, Options);
    }

    /// <summary>Fits the composed pipeline (nothing is learned; this checks the input schema).</summary>
    /// <param name="input">Data with the image or image-path column.</param>
    public AlexNetTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        bool paths = HoldsPaths(input.Schema.GetColumnOrNull(InputColumnName)?.Type, input.Schema.Select(c => c.Name));
        return new AlexNetTransformer(Compose(paths).Fit(input), Model, Options, _graphFile);
    }

    /// <summary>The output schema: the input columns plus score, predicted label and, when asked, features.</summary>
    /// <param name="inputSchema">Shape of the input.</param>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        var column = inputSchema.FirstOrDefault(c => c.Name == InputColumnName);
        bool paths = HoldsPaths(column.Name is null ? null : column.Kind == SchemaShape.Column.VectorKind.Scalar ? column.ItemType : new VectorDataViewType((PrimitiveDataViewType)column.ItemType),
            inputSchema.Select(c => c.Name));
        return Compose(paths).GetOutputSchema(inputSchema);
    }

    private IEstimator<ITransformer> Compose(bool paths)
    {
        var t = _catalog;
        if (!paths) return Classify(InputColumnName);
        return t.CopyColumns(AlexNetColumns.ImagePath, InputColumnName)
            .Append(t.CustomMapping<ImageFileCheck.ImagePath, ImageFileCheck.CheckedImagePath>(ImageFileCheck.Check, ImageFileCheck.ContractName))
            .Append(t.LoadImages(AlexNetColumns.Image, imageFolder: null, AlexNetColumns.CheckedImagePath))
            .Append(Classify(AlexNetColumns.Image))
            .Append(t.DropColumns(AlexNetColumns.ImagePath, AlexNetColumns.CheckedImagePath, AlexNetColumns.Image));
    }

    private IEstimator<ITransformer> Classify(string imageColumn)
    {
        var t = _catalog;
        var m = Model.Metadata;
        int r = m.ResizeSize;
        return t.ResizeImages(AlexNetColumns.ResizedImage, r, r, imageColumn,
                ImageResizingEstimator.ResizingKind.IsoCrop, ImageResizingEstimator.Anchor.Center)
            .Append(t.ExtractPixels(AlexNetColumns.Pixels, AlexNetColumns.ResizedImage,
                colorsToExtract: m.InputChannels == 1 ? ImagePixelExtractingEstimator.ColorBits.Red : ImagePixelExtractingEstimator.ColorBits.Rgb,
                orderOfExtraction: m.ChannelOrder == ChannelOrder.Bgr ? ImagePixelExtractingEstimator.ColorsOrder.ABGR : ImagePixelExtractingEstimator.ColorsOrder.ARGB,
                interleavePixelColors: false, offsetImage: 0f, scaleImage: 1f))
            .Append(_onnx)
            .Append(t.CustomMapping<PredictedLabelUnwrapping.LabelVector, PredictedLabelUnwrapping.Label>(
                PredictedLabelUnwrapping.Map, PredictedLabelUnwrapping.ContractName))
            .Append(t.CopyColumns(Options.PredictedLabelColumnName, AlexNetColumns.PredictedLabel))
            .Append(t.DropColumns(AlexNetColumns.ResizedImage, AlexNetColumns.Pixels, AlexNetColumns.PredictedLabelVector, AlexNetColumns.PredictedLabel));
    }

    private static (IEstimator<ITransformer> Onnx, string GraphFile) ApplyServingGraph(TransformsCatalog t, ModelFile model, AlexNetOptions o)
    {
        var graph = ServingGraph.ToBytes(model, new ServingGraphOptions
        {
            InputName = AlexNetColumns.Pixels,
            ScoreName = o.ScoreColumnName,
            PredictedLabelName = AlexNetColumns.PredictedLabelVector,
            FeaturesName = o.EmitFeatures ? o.FeaturesColumnName : null,
            CropMode = o.CropMode,
        });
        string[] outputs = o.EmitFeatures
            ? [o.ScoreColumnName, AlexNetColumns.PredictedLabelVector, o.FeaturesColumnName]
            : [o.ScoreColumnName, AlexNetColumns.PredictedLabelVector];
        var file = ServingGraphFile.Create(graph);
        try
        {
            return (t.ApplyOnnxModel(outputs, [AlexNetColumns.Pixels], file, o.GpuDeviceId, o.FallbackToCpu), file);
        }
        catch (Exception e) when (o.GpuDeviceId is int device && !o.FallbackToCpu && e is InvalidOperationException or Microsoft.ML.OnnxRuntime.OnnxRuntimeException)
        {
            ServingGraphFile.Delete(file);
            throw new InvalidOperationException(
                $"{model.Path}: the CUDA execution provider on GPU device {device} cannot run the model, and FallbackToCpu is off " +
                $"(set AlexNetOptions.FallbackToCpu to run on the CPU instead). ONNX Runtime said: {Innermost(e).Message}", e);
        }
        catch
        {
            ServingGraphFile.Delete(file);
            throw;
        }
    }

    private bool HoldsPaths(DataViewType? type, IEnumerable<string> columns) => type switch
    {
        null => throw new ArgumentException(
            $"Column '{InputColumnName}' is not in the input (columns: {string.Join(", ", columns)}). ClassifyImagesWithAlexNet reads a column of " +
            "image file paths or of images (from mlContext.Transforms.LoadImages(...) or MLImage objects).", nameof(InputColumnName)),
        TextDataViewType => true,
        ImageDataViewType => false,
        _ => throw new ArgumentException(
            $"Column '{InputColumnName}' holds {type}; ClassifyImagesWithAlexNet reads image file paths (text) or images " +
            "(add mlContext.Transforms.LoadImages(...) before it, or give it MLImage objects).", nameof(InputColumnName)),
    };

    private static void CheckColumnNames(AlexNetOptions o)
    {
        var names = new List<string> { o.ScoreColumnName, o.PredictedLabelColumnName };
        if (o.EmitFeatures) names.Add(o.FeaturesColumnName);
        foreach (var name in names)
        {
            if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("Output column names cannot be empty.", nameof(o));
            if (name.StartsWith(AlexNetColumns.Prefix, StringComparison.Ordinal) || name.StartsWith(ServingGraph.InlinedPrefix, StringComparison.Ordinal))
                throw new ArgumentException($"Output column '{name}': names starting with '{AlexNetColumns.Prefix}' or '{ServingGraph.InlinedPrefix}' are reserved for intermediate columns.", nameof(o));
        }
        if (names.Distinct(StringComparer.Ordinal).Count() != names.Count)
            throw new ArgumentException($"Output column names must differ: {string.Join(", ", names)}.", nameof(o));
    }

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null) e = e.InnerException;
        return e;
    }
}
