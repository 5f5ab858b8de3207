using AlexNet.Onnx.Imaging;
using System.Runtime.InteropServices;
using AlexNet.Onnx.Export;
using AlexNet.Onnx.Metadata;
using Google.Protobuf;
using Onnx;
using static AlexNet.Onnx.Export.OnnxGraphBuilder;

namespace AlexNet.Onnx.Serving;

/// <summary>
/// Builds the ONNX graph ML.NET runs to classify prepared images: it wraps a classifier file in the paper's
/// test-time steps so that softmax averaging, flips and labels live in ONNX, which ML.NET's <c>ApplyOnnxModel</c>
/// saves inside its model zip. The graph, for a batch of N images:
/// <list type="number">
/// <item>input [N, C, R, R]: the images resized to R×R (IsoCrop), planar, in the model's channel order, 0–255;</item>
/// <item>× pixel scale (when not 1), − the mean (image or per channel), × 1/std (when the metadata has one), then
/// a border of crop-padding zeros (when the metadata has one), as <see cref="Runtime.ImageCrops"/> does;</item>
/// <item>the crops of <see cref="ServingGraphOptions.CropMode"/> (ten-crop: Slice windows of the images and of their
/// mirrors, a Slice with step −1, concatenated crop by crop into a batch of 10·N in <see cref="CropWindow.TenCrop"/>
/// order);</item>
/// <item>the classifier's own nodes, inlined with every name prefixed by <see cref="InlinedPrefix"/>;</item>
/// <item>its softmax output (or Softmax of its logits) and fc7 features averaged over each image's crops
/// (Reshape to [crops, N, ·], ReduceMean over the crops): the outputs named with <see cref="BatchSuffix"/>,
/// [N, classes] and [N, fc7 units];</item>
/// <item>the per-image outputs ML.NET reads (it runs one image at a time): image 0 of each batch output, [classes]
/// and [fc7 units];</item>
/// <item>ArgMax + an <c>ai.onnx.ml</c> LabelEncoder turning each image's best class into its label, [N];</item>
/// <item>optionally the class labels themselves, [classes], for checking a label column against them;</item>
/// <item>a LabelEncoder node named <c>mlnet.&lt;Score&gt;.SlotNames</c> holding the labels, from which ML.NET's
/// OnnxTransformer gives the score column its slot names.</item>
/// </list>
/// One graph serves both routes, so ML.NET's row-at-a-time scores and a batched run of the same file come from the
/// same nodes. Without <see cref="ServingGraphOptions.PerImageOutputs"/> the per-image outputs and the slot-names node
/// are left out and the batch outputs take the plain names: the standalone graph of <see cref="ServingExport"/>, for
/// ONNX Runtime and Triton.
/// </summary>
public static class ServingGraph
{
    /// <summary>Prefix of every value and node name taken from the wrapped classifier.</summary>
    public const string InlinedPrefix = "alexnet/";
    /// <summary>Suffix of the batch outputs: <c>Score.batch</c> is [N, classes] where <c>Score</c> is image 0's [classes].</summary>
    public const string BatchSuffix = ".batch";
    /// <summary>Metadata key recording the crop mode of a serving graph.</summary>
    public const string CropModeKey = MetadataKeys.Prefix + "serving.crop_mode";

    private const string MlDomain = "ai.onnx.ml";
    private const string BatchDim = "N";
    private const int MinimumOpset = 17;
    private const int MlOpset = 3;

    /// <summary>Builds the serving graph for a classifier file.</summary>
    /// <param name="model">An opened classifier (ours or a foreign AlexNet-style file with explicit settings).</param>
    /// <param name="options">Names and crop mode.</param>
    /// <exception cref="ArgumentException">Names clash, features are asked of a model without them, or the graph cannot be inlined.</exception>
    public static ModelProto Build(ModelFile model, ServingGraphOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Build(model, ModelFile.Parse(model.Path), options);
    }

    /// <summary>Builds the serving graph from a classifier already parsed, so its file is read and hashed only once.</summary>
    /// <param name="model">An opened classifier.</param>
    /// <param name="source">The same file as parsed by <see cref="ModelFile.Open(string, ModelMetadata?, out ModelProto)"/>.</param>
    /// <param name="options">Names and crop mode.</param>
    /// <exception cref="ArgumentException">Names clash, features are asked of a model without them, or the graph cannot be inlined.</exception>
    public static ModelProto Build(ModelFile model, ModelProto source, ServingGraphOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(options);
        var outputs = new[] { options.InputName, options.ScoreName, options.PredictedLabelName, options.FeaturesName, options.ClassesName }
            .Where(n => n is not null).Select(n => n!).ToArray();
        if (outputs.Any(string.IsNullOrWhiteSpace))
            throw new ArgumentException("Input and output names cannot be empty.", nameof(options));
        if (outputs.Distinct(StringComparer.Ordinal).Count() != outputs.Length)
            throw new ArgumentException($"Input and output names must differ: {string.Join(", ", outputs)}.", nameof(options));
        if (outputs.Any(n => n.StartsWith(InlinedPrefix, StringComparison.Ordinal)))
            throw new ArgumentException($"Names starting with '{InlinedPrefix}' are reserved for the inlined classifier.", nameof(options));
        if (!options.PerImageOutputs && options.ClassesName is not null)
            throw new ArgumentException($"The classes output '{options.ClassesName}' has no batch axis; a graph without per-image outputs cannot have it.", nameof(options));
        if (options.FeaturesName is not null && model.FeaturesName is null)
            throw new ArgumentException($"{model.Path}: features were asked for, but the model has no '{AlexNetOnnxNames.Features}' output (its outputs: {string.Join(", ", model.OutputNames)}).", nameof(options));

        var m = model.Metadata;
        int c = m.InputChannels, r = m.ResizeSize, s = m.InputSize, k = model.NumClasses;
        long opset = Math.Max(MinimumOpset, source.OpsetImport.Where(o => o.Domain is "" or "ai.onnx").Select(o => o.Version).DefaultIfEmpty(0).Max());

        var g = new OnnxGraphBuilder($"alexnet_serving_{options.CropMode.ToString().ToLowerInvariant()}");
        foreach (var name in outputs) g.Fresh(name);
        if (options.PerImageOutputs)
            foreach (var name in new[] { options.ScoreName, options.FeaturesName }.OfType<string>()) g.Fresh(name + BatchSuffix);
        bool perImage = options.PerImageOutputs;

        // Normalise: the same arithmetic, in the same order, as ImageCrops (scale, mean, 1/std).
        string x = options.InputName;
        if (m.PixelScale != 1f)
            x = g.Node("Mul", "scaled", [x, FloatConstant(g, "pixel_scale", [1], [m.PixelScale])]);
        var mean = m.Mean;
        x = g.Node("Sub", "centred", [x, mean.IsImage
            ? FloatConstant(g, "mean_image", [1, c, r, r], mean.Values.ToArray())
            : FloatConstant(g, "mean", [1, c, 1, 1], mean.Values.ToArray())]);
        if (m.ChannelStd is { } std)
            x = g.Node("Mul", "standardised", [x, FloatConstant(g, "inverse_std", [1, c, 1, 1], std.Select(v => 1f / v).ToArray())]);
        // Crops are cut from the padded image; the whole image (below) is the unpadded one.
        string whole = x;
        int pad = m.CropPadding;
        if (pad > 0)
            x = g.Node("Pad", "padded", [x, g.Int64Initializer("crop_padding", [0, 0, pad, pad, 0, 0, pad, pad])]);
        int side = m.PaddedSize;

        int cropsPerImage = options.CropMode == CropMode.TenCrop ? CropWindow.TenCrop(side, s).Count : 1;
        string crops = options.CropMode switch
        {
            CropMode.TenCrop => TenCrop(g, x, side, s),
            CropMode.CentreCrop => Window(g, x, CropWindow.Centre(side, s), s, "centre_crop"),
            CropMode.WholeImage when r == s => whole,
            CropMode.WholeImage => g.Node("Resize", "whole_image", [whole, "", "", WholeImageSizes(g, whole, c, s)],
                Text("mode", "linear"), Text("coordinate_transformation_mode", "half_pixel")),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.CropMode, "Unknown crop mode."),
        };

        var renamed = Inline(g, source.Graph, model, crops);
        string probabilities = model.ProbabilitiesName is { } p ? renamed[p]
            : g.Node("Softmax", "probabilities", [renamed[model.LogitsName]], Int("axis", 1));
        string scores = PerImageAndBatch(g, probabilities, options.ScoreName, cropsPerImage, k, opset, perImage);

        if (options.FeaturesName is { } features)
            PerImageAndBatch(g, renamed[model.FeaturesName!], features, cropsPerImage, model.FeatureSize, opset, perImage);

        var labels = model.Labels;
        if (options.PredictedLabelName is { } predicted)
        {
            string best = g.Node("ArgMax", "best_class", [scores], Int("axis", 1), Int("keepdims", 0));
            var encoder = MlNode(g, "LabelEncoder", $"{predicted}_label", best, predicted);
            encoder.Attribute.Add(Ints("keys_int64s", Enumerable.Range(0, k).Select(i => (long)i).ToArray()));
            encoder.Attribute.Add(Strings("values_strings", labels));
            encoder.Attribute.Add(Text("default_string", ""));
            g.Graph.Output.Add(Value(predicted, TensorProto.Types.DataType.String, (long?)null));
        }

        if (perImage)
        {
            string labelConstant = StringConstant(g, "labels", labels);
            if (options.ClassesName is { } classes)
            {
                g.Node("Identity", [labelConstant], [classes]);
                g.Graph.Output.Add(Value(classes, TensorProto.Types.DataType.String, k));
            }

            // ML.NET reads slot names from this node's keys; its input must be an initializer, not a graph input.
            string slotOutput = g.Fresh($"mlnet.{options.ScoreName}.unusedOutput");
            var slots = MlNode(g, "LabelEncoder", $"mlnet.{options.ScoreName}.SlotNames", labelConstant, slotOutput);
            slots.Attribute.Add(Strings("keys_strings", labels));
            slots.Attribute.Add(Ints("values_int64s", Enumerable.Range(0, k).Select(i => (long)i).ToArray()));
            slots.Attribute.Add(Int("default_int64", -1));
            g.Graph.Output.Add(Value(slotOutput, TensorProto.Types.DataType.Int64, k));
        }

        g.Graph.Input.Add(FloatValue(options.InputName, BatchDim, null, c, r, r));

        var serving = new ModelProto
        {
            IrVersion = Math.Max(AlexNetOnnxWriter.IrVersion, source.IrVersion),
            ProducerName = AlexNetOnnxWriter.ProducerName,
            ProducerVersion = ModelMetadata.CurrentLibraryVersion,
            DocString = $"Serving graph ({options.CropMode}) around {Path.GetFileName(model.Path)}.",
            Graph = g.Graph,
        };
        serving.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        serving.OpsetImport.Add(new OperatorSetIdProto
        {
            Domain = MlDomain,
            Version = Math.Max(MlOpset, source.OpsetImport.Where(o => o.Domain == MlDomain).Select(o => o.Version).DefaultIfEmpty(0).Max()),
        });
        foreach (var other in source.OpsetImport.Where(o => o.Domain is not ("" or "ai.onnx" or MlDomain)))
            serving.OpsetImport.Add(other.Clone());
        serving.Functions.AddRange(source.Functions.Select(f => f.Clone()));
        foreach (var (key, value) in m.ToProperties())
            serving.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        serving.MetadataProps.Add(new StringStringEntryProto { Key = CropModeKey, Value = options.CropMode.ToString() });
        return serving;
    }

    /// <summary>The serialized serving graph.</summary>
    /// <param name="model">An opened classifier.</param>
    /// <param name="options">Names and crop mode.</param>
    public static byte[] ToBytes(ModelFile model, ServingGraphOptions options) => Build(model, options).ToByteArray();

    /// <summary>The serialized serving graph of a classifier already parsed.</summary>
    /// <param name="model">An opened classifier.</param>
    /// <param name="source">The same file, parsed.</param>
    /// <param name="options">Names and crop mode.</param>
    public static byte[] ToBytes(ModelFile model, ModelProto source, ServingGraphOptions options) => Build(model, source, options).ToByteArray();

    // Section 4.1: five windows of the image, then the same five of its mirror image. The mirror of the window at
    // column L is the window at column R − S − L of the mirrored image, so one reversing Slice serves all five.
    private static string TenCrop(OnnxGraphBuilder g, string image, int r, int s)
    {
        string mirrored = g.Node("Slice", "mirrored", [image,
            g.Int64Initializer("mirror_starts", [r - 1]), g.Int64Initializer("mirror_ends", [long.MinValue]),
            g.Int64Initializer("mirror_axes", [3]), g.Int64Initializer("mirror_steps", [-1])]);
        var windows = CropWindow.TenCrop(r, s).Select((w, i) => w.Mirror
            ? Window(g, mirrored, w with { Left = r - s - w.Left, Mirror = false }, s, $"crop{i}")
            : Window(g, image, w, s, $"crop{i}")).ToArray();
        return g.Node("Concat", "ten_crops", windows, Int("axis", 0));
    }

    private static string Window(OnnxGraphBuilder g, string image, CropWindow w, int s, string name) =>
        g.Node("Slice", name, [image,
            g.Int64Initializer($"{name}_starts", [w.Top, w.Left]), g.Int64Initializer($"{name}_ends", [w.Top + s, w.Left + s]),
            g.Int64Initializer($"{name}_axes", [2, 3])]);

    // The network's [crops·N, width] output, crop-major as the Concat above made it, averaged over each image's crops
    // into <output>.batch [N, width]; <output> itself is image 0's row, [width], the shape ML.NET reads one image at a time.
    // Without per-image outputs the batch output takes the plain name and there is no image-0 row.
    private static string PerImageAndBatch(OnnxGraphBuilder g, string network, string output, int crops, int width, long opset, bool perImage)
    {
        string batch = perImage ? output + BatchSuffix : output; // reserved with the other output names
        string byCrop = g.Node("Reshape", $"{output}_by_crop", [network, g.Int64Initializer($"{output}_by_crop_shape", [crops, -1, width])]);
        // ReduceMean took its axes as an attribute until opset 18 and as an input from then on.
        if (opset < 18) g.Node("ReduceMean", [byCrop], [batch], Ints("axes", 0), Int("keepdims", 0));
        else g.Node("ReduceMean", [byCrop, g.Int64Initializer($"{output}_axes", [0])], [batch], Int("keepdims", 0));
        g.Graph.Output.Add(FloatValue(batch, BatchDim, null, width));
        if (perImage)
        {
            g.Node("Gather", [batch, ScalarInt64(g, $"{output}_first_image", 0)], [output], Int("axis", 0));
            g.Graph.Output.Add(FloatValue(output, "", width));
        }
        return batch;
    }

    // Resize's sizes for the whole image: the batch's own N, then C, S, S.
    private static string WholeImageSizes(OnnxGraphBuilder g, string image, int c, int s)
    {
        string n = g.Node("Slice", "batch_size", [g.Node("Shape", "image_shape", [image]),
            g.Int64Initializer("batch_size_starts", [0]), g.Int64Initializer("batch_size_ends", [1])]);
        return g.Node("Concat", "whole_image_sizes", [n, g.Int64Initializer("whole_image_size", [c, s, s])], Int("axis", 0));
    }

    private static string ScalarInt64(OnnxGraphBuilder g, string stem, long value)
    {
        var name = g.Fresh(stem);
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Int64Data.Add(value);
        g.Graph.Initializer.Add(tensor);
        return name;
    }

    /// <summary>Copies the classifier's nodes and initializers under <see cref="InlinedPrefix"/>, reading <paramref name="input"/>.</summary>
    /// <returns>Old value name → new value name.</returns>
    private static Dictionary<string, string> Inline(OnnxGraphBuilder g, GraphProto graph, ModelFile model, string input)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal) { [model.InputName] = input, [""] = "" };
        string Rename(string name)
        {
            if (!names.TryGetValue(name, out var renamed)) names[name] = renamed = g.Fresh(InlinedPrefix + name);
            return renamed;
        }

        foreach (var initializer in graph.Initializer)
        {
            var copy = initializer.Clone();
            copy.Name = Rename(initializer.Name);
            g.Graph.Initializer.Add(copy);
        }
        int index = 0;
        foreach (var node in graph.Node)
        {
            if (node.Attribute.Any(a => a.G is not null || a.Graphs.Count > 0))
                throw new ArgumentException($"{model.Path}: node '{node.Name}' ({node.OpType}) holds a subgraph; graphs with control flow cannot be wrapped.");
            var copy = node.Clone();
            copy.Name = InlinedPrefix + (string.IsNullOrEmpty(node.Name) ? $"{node.OpType}_{index}" : node.Name);
            copy.Input.Clear();
            copy.Input.AddRange(node.Input.Select(Rename));
            copy.Output.Clear();
            copy.Output.AddRange(node.Output.Select(Rename));
            g.Graph.Node.Add(copy);
            index++;
        }
        foreach (var info in graph.ValueInfo.Where(v => names.ContainsKey(v.Name) && v.Name != model.InputName))
        {
            var copy = info.Clone();
            copy.Name = names[info.Name];
            g.Graph.ValueInfo.Add(copy);
        }
        return names;
    }

    private static NodeProto MlNode(OnnxGraphBuilder g, string opType, string name, string input, string output)
    {
        var node = new NodeProto { OpType = opType, Domain = MlDomain, Name = name };
        node.Input.Add(input);
        node.Output.Add(output);
        g.Graph.Node.Add(node);
        return node;
    }

    private static string FloatConstant(OnnxGraphBuilder g, string stem, long[] shape, float[] values)
    {
        var name = g.Fresh(stem);
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.Add(shape);
        tensor.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan()));
        g.Graph.Initializer.Add(tensor);
        return name;
    }

    private static string StringConstant(OnnxGraphBuilder g, string stem, IReadOnlyList<string> values)
    {
        var name = g.Fresh(stem);
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.String };
        tensor.Dims.Add(values.Count);
        tensor.StringData.AddRange(values.Select(ByteString.CopyFromUtf8));
        g.Graph.Initializer.Add(tensor);
        return name;
    }

    private static AttributeProto Text(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    private static AttributeProto Strings(string name, IEnumerable<string> values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Strings };
        a.Strings.AddRange(values.Select(ByteString.CopyFromUtf8));
        return a;
    }

    // A null dimension is the batch axis N.
    private static ValueInfoProto Value(string name, TensorProto.Types.DataType type, params long?[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
            shape.Dim.Add(d is long v ? new TensorShapeProto.Types.Dimension { DimValue = v } : new TensorShapeProto.Types.Dimension { DimParam = BatchDim });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }
}
