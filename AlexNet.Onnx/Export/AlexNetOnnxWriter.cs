using AlexNet.Onnx.Metadata;
using AlexNet.Onnx.Model;
using Google.Protobuf;
using Onnx;
using static AlexNet.Onnx.Export.OnnxGraphBuilder;

namespace AlexNet.Onnx.Export;

/// <summary>
/// Writes an AlexNet as an ONNX model (opset 17, IR 8, dynamic batch) from merged weights, with its
/// metadata in <c>metadata_props</c>. The graph: Conv (grouped where the towers stay apart) → Relu/Tanh →
/// LRN inside each tower (Mul, a 1×1 band Conv, power, Div) → MaxPool, five times; Flatten; Gemm fc6 → act → Gemm fc7 →
/// act ("features") → Gemm fc8 ("logits") → Softmax ("probabilities"). Dropout is a training-only op and is left out.
/// The weights' SHA-256 (<see cref="WeightsChecksum"/>) goes into <see cref="MetadataKeys.WeightsSha256"/>.
/// </summary>
public static class AlexNetOnnxWriter
{
    /// <summary>Default-domain opset the graph uses.</summary>
    public const int OpsetVersion = 17;
    /// <summary>ONNX IR version written.</summary>
    public const long IrVersion = 8;
    /// <summary>Producer name written to the model.</summary>
    public const string ProducerName = "AlexNet.Onnx";

    /// <summary>Builds the model in memory.</summary>
    /// <param name="architecture">The network the weights belong to.</param>
    /// <param name="weights">Merged weights (see <see cref="AlexNetWeights"/>); validated first.</param>
    /// <param name="metadata">Labels, preprocessing and training summary. Preset and architecture are taken from <paramref name="architecture"/>.</param>
    /// <param name="lrnExport">How LRN is written; <see cref="LrnExport.BandConvolution"/> unless a runtime has a fast LRN kernel.</param>
    /// <exception cref="ArgumentException">The weights do not fit the architecture, or the metadata disagrees with it.</exception>
    public static ModelProto Build(AlexNetArchitecture architecture, AlexNetWeights weights, ModelMetadata metadata,
        LrnExport lrnExport = LrnExport.BandConvolution)
    {
        weights.Validate(architecture);
        metadata = metadata with { Preset = architecture.Preset, Architecture = architecture };
        if (metadata.Labels.Count != architecture.NumClasses)
            throw new ArgumentException($"Metadata has {metadata.Labels.Count} labels, the architecture has {architecture.NumClasses} classes.", nameof(metadata));
        if (metadata.ResizeSize != architecture.ResizeSize)
            throw new ArgumentException($"Metadata resize size {metadata.ResizeSize} differs from the architecture's {architecture.ResizeSize}.", nameof(metadata));
        try { metadata.Validate("metadata"); }
        catch (InvalidDataException e) { throw new ArgumentException(e.Message, nameof(metadata), e); }

        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = ProducerName,
            ProducerVersion = metadata.LibraryVersion,
            DocString = $"AlexNet ({architecture.Preset}) after Krizhevsky, Sutskever and Hinton (2012).",
            Graph = BuildGraph(architecture, weights, lrnExport),
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = OpsetVersion });
        string checksum = WeightsChecksum.Compute(model.Graph);
        foreach (var (key, value) in metadata.ToProperties())
        {
            // Before the mean, which stays last: a file cut short loses the mean (and reads as incomplete) before it
            // can lose the checksum and open unchecked.
            if (key == MetadataKeys.MeanShape)
                model.MetadataProps.Add(new StringStringEntryProto { Key = MetadataKeys.WeightsSha256, Value = checksum });
            model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        }
        return model;
    }

    /// <summary>The serialized model.</summary>
    /// <param name="architecture">The network the weights belong to.</param>
    /// <param name="weights">Merged weights.</param>
    /// <param name="metadata">Labels, preprocessing and training summary.</param>
    /// <param name="lrnExport">How LRN is written; <see cref="LrnExport.BandConvolution"/> unless a runtime has a fast LRN kernel.</param>
    public static byte[] ToBytes(AlexNetArchitecture architecture, AlexNetWeights weights, ModelMetadata metadata,
        LrnExport lrnExport = LrnExport.BandConvolution) =>
        Build(architecture, weights, metadata, lrnExport).ToByteArray();

    /// <summary>Writes the model to <paramref name="path"/> atomically (temporary file, then rename).</summary>
    /// <param name="path">Destination .onnx path; its folder is created if missing.</param>
    /// <param name="architecture">The network the weights belong to.</param>
    /// <param name="weights">Merged weights.</param>
    /// <param name="metadata">Labels, preprocessing and training summary.</param>
    /// <param name="lrnExport">How LRN is written; <see cref="LrnExport.BandConvolution"/> unless a runtime has a fast LRN kernel.</param>
    public static void Write(string path, AlexNetArchitecture architecture, AlexNetWeights weights, ModelMetadata metadata,
        LrnExport lrnExport = LrnExport.BandConvolution)
    {
        var model = Build(architecture, weights, metadata, lrnExport);
        AtomicFile.Write(path, model.WriteTo);
    }

    private static GraphProto BuildGraph(AlexNetArchitecture a, AlexNetWeights w, LrnExport lrnExport)
    {
        var g = new OnnxGraphBuilder($"alexnet_{a.Preset}");
        string x = AlexNetOnnxNames.Input;
        g.Fresh(x);
        string act = a.Activation == Activation.Relu ? "Relu" : "Tanh";

        for (int i = 0; i < a.Convs.Count; i++)
        {
            var c = a.Convs[i];
            string weight = g.Initializer($"{c.Name}.weight", w[$"{c.Name}.weight"].Shape, w[$"{c.Name}.weight"].Data);
            string bias = g.Initializer($"{c.Name}.bias", w[$"{c.Name}.bias"].Shape, w[$"{c.Name}.bias"].Data);
            // Section 3.2: a layer whose towers stay apart is one convolution with group = towers.
            x = g.Node("Conv", c.Name, [x, weight, bias],
                Ints("kernel_shape", c.Kernel, c.Kernel), Ints("strides", c.Stride, c.Stride),
                Ints("pads", c.Padding, c.Padding, c.Padding, c.Padding), Ints("dilations", 1, 1),
                Int("group", a.ConvGroups(i)));
            x = g.Node(act, $"{c.Name}_{act.ToLowerInvariant()}", [x]);
            if (a.Lrn is { } lrn && c.LocalResponseNorm)
                x = lrnExport == LrnExport.OnnxOperator
                    ? LrnOperator(g, x, c.Name, a.ConvOutChannels(i), a.Towers, lrn)
                    : LocalResponseNorm(g, x, c.Name, a.ConvOutChannels(i), a.Towers, lrn);
            if (c.MaxPool)
                x = g.Node("MaxPool", $"{c.Name}_pool", [x],
                    Ints("kernel_shape", a.PoolKernel, a.PoolKernel), Ints("strides", a.PoolStride, a.PoolStride));
        }

        if (a.AveragePoolTo is int side && side != a.StageSizes()[^1])
        {
            // ONNX has no adaptive pooling; an even split of the maps is a plain average pool, which is all we write.
            int from = a.StageSizes()[^1];
            if (from % side != 0)
                throw new NotSupportedException($"conv5's {from}×{from} maps do not split evenly into {side}×{side} windows, so the average pool to {side}×{side} has no ONNX form; use a crop size whose conv5 maps are a multiple of {side} (224 px gives {side}).");
            x = g.Node("AveragePool", "fc6_input_pool", [x], Ints("kernel_shape", from / side, from / side), Ints("strides", from / side, from / side));
        }
        x = g.Node("Flatten", "flatten", [x], Int("axis", 1));
        x = FullyConnected(g, w, x, "fc6");
        x = g.Node(act, $"fc6_{act.ToLowerInvariant()}", [x]);
        x = FullyConnected(g, w, x, "fc7");
        string features = g.Node(act, [x], [g.Fresh(AlexNetOnnxNames.Features)])[0];
        string logits = g.Node("Gemm", [features, g.Initializer("fc8.weight", w["fc8.weight"].Shape, w["fc8.weight"].Data),
                g.Initializer("fc8.bias", w["fc8.bias"].Shape, w["fc8.bias"].Data)],
            [g.Fresh(AlexNetOnnxNames.Logits)], Int("transB", 1))[0];
        string probabilities = g.Node("Softmax", [logits], [g.Fresh(AlexNetOnnxNames.Probabilities)], Int("axis", 1))[0];

        var graph = g.Graph;
        graph.Input.Add(FloatValue(AlexNetOnnxNames.Input, AlexNetOnnxNames.BatchDimension, null, a.InputChannels, a.InputSize, a.InputSize));
        graph.Output.Add(FloatValue(logits, AlexNetOnnxNames.BatchDimension, null, a.NumClasses));
        graph.Output.Add(FloatValue(probabilities, AlexNetOnnxNames.BatchDimension, null, a.NumClasses));
        graph.Output.Add(FloatValue(features, AlexNetOnnxNames.BatchDimension, null, a.FeatureSize));
        return graph;
    }

    // Section 3.3, b = a / (k + α Σ a²)^β, in a few nodes rather than ONNX's LRN op: ONNX Runtime's LRN kernel runs on
    // one thread and took 69% of the small net's time at batch 10 (profiled); this form scored 2.2–2.5× more crops/s.
    // The sum over n adjacent kernels is a 1×1 convolution of a² with a band of α's, grouped per tower so no sum
    // crosses the tower boundary, with k as its bias. The band spans n/2 kernels before and (n−1)/2 after, as the
    // training module's does (ONNX's LRN op differs from it for even n).
    private static string LocalResponseNorm(OnnxGraphBuilder g, string x, string layer, int channels, int towers, LrnSettings lrn)
    {
        int perTower = channels / towers, before = lrn.Size / 2, after = (lrn.Size - 1) / 2;
        var band = new float[channels * perTower];
        for (int output = 0; output < channels; output++)
        {
            int own = output % perTower;
            for (int input = Math.Max(0, own - before); input <= Math.Min(perTower - 1, own + after); input++)
                band[output * perTower + input] = (float)lrn.Alpha;
        }
        var bias = new float[channels];
        Array.Fill(bias, (float)lrn.K);

        string squares = g.Node("Mul", $"{layer}_lrn_squares", [x, x]);
        string denominator = g.Node("Conv", $"{layer}_lrn_sum", [squares,
            g.Initializer($"{layer}_lrn.band", [channels, perTower, 1, 1], band), g.Initializer($"{layer}_lrn.k", [channels], bias)],
            Ints("kernel_shape", 1, 1), Int("group", towers));
        return g.Node("Div", $"{layer}_lrn", [x, Power(g, denominator, layer, lrn.Beta)]);
    }

    // t^β. For the paper's β = 0.75, √t·√√t: ONNX Runtime's Pow is scalar code and was 30% of the small net's time
    // after the change above; the Sqrt form scored ~25% more crops/s.
    private static string Power(OnnxGraphBuilder g, string t, string layer, double beta)
    {
        if (beta != 0.75)
            return g.Node("Pow", $"{layer}_lrn_power", [t, g.Initializer($"{layer}_lrn.beta", [], [(float)beta])]);
        string root = g.Node("Sqrt", $"{layer}_lrn_root", [t]);
        string fourthRoot = g.Node("Sqrt", $"{layer}_lrn_fourth_root", [root]);
        return g.Node("Mul", $"{layer}_lrn_power", [root, fourthRoot]);
    }

    // ONNX's LRN op sums across all channels it sees, so with two towers the channels are split per tower first.
    private static string LrnOperator(OnnxGraphBuilder g, string x, string layer, int channels, int towers, LrnSettings lrn)
    {
        var attributes = new[]
        {
            Int("size", lrn.Size), Float("alpha", lrn.FrameworkAlpha), Float("beta", lrn.Beta), Float("bias", lrn.K),
        };
        if (towers == 1) return g.Node("LRN", $"{layer}_lrn", [x], attributes);

        string sizes = g.Int64Initializer($"{layer}_tower_sizes", Enumerable.Repeat((long)(channels / towers), towers).ToArray());
        var parts = g.Node("Split", [x, sizes], Enumerable.Range(0, towers).Select(t => g.Fresh($"{layer}_tower{t}")).ToArray(), Int("axis", 1));
        var normed = parts.Select((p, t) => g.Node("LRN", $"{layer}_tower{t}_lrn", [p], attributes)).ToArray();
        return g.Node("Concat", $"{layer}_lrn", normed, Int("axis", 1));
    }

    private static string FullyConnected(OnnxGraphBuilder g, AlexNetWeights w, string x, string name) =>
        g.Node("Gemm", name, [x, g.Initializer($"{name}.weight", w[$"{name}.weight"].Shape, w[$"{name}.weight"].Data),
            g.Initializer($"{name}.bias", w[$"{name}.bias"].Shape, w[$"{name}.bias"].Data)], Int("transB", 1));
}
