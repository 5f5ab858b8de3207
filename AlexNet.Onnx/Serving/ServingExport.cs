using System.Globalization;
using System.Text;
using AlexNet.Onnx.Export;
using AlexNet.Onnx.Imaging;
using AlexNet.Onnx.Metadata;
using Google.Protobuf;
using Onnx;

namespace AlexNet.Onnx.Serving;

/// <summary>Settings of the Triton model configuration <see cref="ServingExport.WriteTriton"/> writes.</summary>
public sealed record TritonOptions
{
    /// <summary>The model's name in the repository: its folder and config.pbtxt's <c>name</c>.</summary>
    public string ModelName { get; init; } = "alexnet";
    /// <summary>config.pbtxt's <c>max_batch_size</c>: the most images one execution (a request, or requests the
    /// dynamic batcher joined) may hold. The graph itself takes any N.</summary>
    public int MaxBatchSize { get; init; } = 32;
    /// <summary>What the model was exported from, for config.pbtxt's header comment [default: the classifier file's name].</summary>
    public string? Source { get; init; }
}

/// <summary>What <see cref="ServingExport.WriteTriton"/> wrote.</summary>
/// <param name="ModelFolder">DIR/&lt;name&gt;.</param>
/// <param name="GraphPath">DIR/&lt;name&gt;/1/model.onnx, the standalone serving graph.</param>
/// <param name="ConfigPath">DIR/&lt;name&gt;/config.pbtxt.</param>
/// <param name="LabelsPath">DIR/&lt;name&gt;/labels.txt, one class name a line in score order.</param>
public sealed record TritonRepository(string ModelFolder, string GraphPath, string ConfigPath, string LabelsPath);

/// <summary>
/// The serving graph ML.NET runs (<see cref="ServingGraph"/>), written as a standalone ONNX file for ONNX Runtime or
/// NVIDIA Triton's ONNX Runtime backend (<c>alexnet export --serving DIR [--triton]</c>). Same nodes as ML.NET's graph;
/// only the outputs differ: the batch outputs alone, under their plain names (<see cref="ServingGraphOptions.PerImageOutputs"/>
/// off), so every tensor has the batch axis first:
/// <list type="bullet">
/// <item>input <c>pixels</c>, float32 [N, C, R, R]: each image decoded, scaled so its shorter side is R and cut to the
/// central R×R (IsoCrop: ML.NET's <c>ResizeImages(…, IsoCrop, Center)</c>, <see cref="PaperPreparation"/>), planar in the
/// model's channel order (RGB for the presets), 0–255 as float, no mean subtracted (the graph does that);</item>
/// <item>output <c>Score</c>, float32 [N, classes]: the softmax averaged over the crops;</item>
/// <item>output <c>PredictedLabel</c>, string [N]: the label of the highest score.</item>
/// </list>
/// </summary>
public static class ServingExport
{
    /// <summary>The standalone graph's file name in the <c>--serving</c> folder without <c>--triton</c>.</summary>
    public const string GraphFileName = "serving.onnx";
    /// <summary>The labels file beside config.pbtxt.</summary>
    public const string LabelsFileName = "labels.txt";
    /// <summary>The config file Triton reads in each model folder.</summary>
    public const string ConfigFileName = "config.pbtxt";
    /// <summary>The model version folder written, and the file name Triton's ONNX Runtime backend loads from it.</summary>
    public const string TritonVersion = "1", TritonModelFileName = "model.onnx";

    /// <summary>The options of the standalone graph: the default names, batch outputs only.</summary>
    /// <param name="cropMode">Which crops the network sees.</param>
    public static ServingGraphOptions GraphOptions(CropMode cropMode) => new() { CropMode = cropMode, PerImageOutputs = false };

    /// <summary>Builds the standalone serving graph of a classifier.</summary>
    /// <param name="model">An opened classifier.</param>
    /// <param name="cropMode">Which crops the network sees.</param>
    public static ModelProto Build(ModelFile model, CropMode cropMode) => ServingGraph.Build(model, GraphOptions(cropMode));

    /// <summary>Writes the standalone serving graph as <see cref="GraphFileName"/> in <paramref name="folder"/> (atomically).</summary>
    /// <param name="model">An opened classifier.</param>
    /// <param name="folder">Destination folder, created when missing.</param>
    /// <param name="cropMode">Which crops the network sees.</param>
    /// <returns>The file written.</returns>
    public static string WriteGraph(ModelFile model, string folder, CropMode cropMode)
    {
        var path = Path.Combine(folder, GraphFileName);
        AtomicFile.Write(path, Build(model, cropMode).WriteTo);
        return path;
    }

    /// <summary>Writes a Triton model repository holding one model: <c>&lt;name&gt;/config.pbtxt</c>,
    /// <c>&lt;name&gt;/labels.txt</c> and <c>&lt;name&gt;/1/model.onnx</c> (the standalone graph).</summary>
    /// <param name="model">An opened classifier.</param>
    /// <param name="repository">The repository folder (<c>tritonserver --model-repository</c>), created when missing.</param>
    /// <param name="cropMode">Which crops the network sees.</param>
    /// <param name="options">Model name and batch size.</param>
    /// <exception cref="ArgumentException">The model name is not a plain folder name, the batch size is below 1, or a
    /// label holds a line break (labels.txt has one label a line).</exception>
    public static TritonRepository WriteTriton(ModelFile model, string repository, CropMode cropMode, TritonOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        CheckModelName(options.ModelName);
        if (options.MaxBatchSize < 1)
            throw new ArgumentException($"max_batch_size is {options.MaxBatchSize}; it must be 1 or more (the graph batches, and Triton's dynamic batcher needs it).", nameof(options));
        int broken = model.Labels.ToList().FindIndex(l => l.Contains('\n') || l.Contains('\r'));
        if (broken >= 0)
            throw new ArgumentException($"{model.Path}: label {broken} holds a line break; {LabelsFileName} has one label a line.", nameof(model));

        var graph = Build(model, cropMode);
        var folder = Path.Combine(repository, options.ModelName);
        var result = new TritonRepository(folder, Path.Combine(folder, TritonVersion, TritonModelFileName),
            Path.Combine(folder, ConfigFileName), Path.Combine(folder, LabelsFileName));
        AtomicFile.Write(result.GraphPath, graph.WriteTo);
        AtomicFile.WriteText(result.LabelsPath, string.Concat(model.Labels.Select(l => l + "\n")));
        AtomicFile.WriteText(result.ConfigPath, TritonConfig(model, graph, cropMode, options));
        return result;
    }

    /// <summary>
    /// config.pbtxt for a standalone serving graph, in protobuf text format (Triton's <c>inference.ModelConfig</c>). The
    /// inputs and outputs are read from the graph itself, the batch axis dropped: an output that is only [N] (the label)
    /// is given as dims [1] reshaped to [], Triton's way of writing a tensor with no axis but the batch.
    /// </summary>
    /// <param name="model">The classifier the graph wraps (for the comments).</param>
    /// <param name="graph">The standalone graph (<see cref="Build"/>).</param>
    /// <param name="cropMode">Its crop mode (for the comments).</param>
    /// <param name="options">Model name and batch size.</param>
    public static string TritonConfig(ModelFile model, ModelProto graph, CropMode cropMode, TritonOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(options);
        var m = model.Metadata;
        string scoreName = GraphOptions(cropMode).ScoreName;
        var text = new StringBuilder();
        void Line(string line = "") => text.Append(line).Append('\n');
        Line($"# Triton model configuration written by alexnet export --serving --triton (AlexNet for .NET {ModelMetadata.CurrentLibraryVersion})");
        Line($"# from {OneLine(options.Source ?? Path.GetFileName(model.Path))}: the serving graph ML.NET runs ({cropMode}), {model.NumClasses} classes.");
        Line($"name: \"{options.ModelName}\"");
        Line("platform: \"onnxruntime_onnx\"");
        Line($"max_batch_size: {options.MaxBatchSize.ToString(CultureInfo.InvariantCulture)}");
        Line("input [");
        WriteTensors(graph.Graph.Input, name =>
        [
            $"# Each image scaled so its shorter side is {m.ResizeSize}, its central {m.ResizeSize}x{m.ResizeSize} kept (IsoCrop),",
            $"# planar {ChannelText(m.ChannelOrder)}, 0-255 as float32; the graph subtracts the mean and cuts the crops.",
        ], null);
        Line("]");
        Line("output [");
        WriteTensors(graph.Graph.Output, name => name == scoreName
            ? [$"# Class probabilities averaged over the crops, in {LabelsFileName}'s order (Triton's classification extension reads it)."]
            : ["# The label of the highest score."], scoreName);
        Line("]");
        Line("# Triton's dynamic batcher joins requests that queue while an instance is busy into one execution of up to");
        Line("# max_batch_size images. A delay of 0 (Triton's default) holds no request back to wait for others; raise it");
        Line("# to trade latency for fuller batches.");
        Line("dynamic_batching {");
        Line("  max_queue_delay_microseconds: 0");
        Line("}");
        Line("# One instance on each GPU. CPU fallback: Triton refuses KIND_GPU on a host without a GPU; write KIND_CPU there,");
        Line("# or KIND_AUTO for GPU instances when GPUs are present and CPU ones otherwise. On a GPU, ONNX Runtime runs the");
        Line("# nodes its CUDA provider lacks (the label lookup, the string output) on the CPU inside the same instance.");
        Line("instance_group [");
        Line("  {");
        Line("    count: 1");
        Line("    kind: KIND_GPU");
        Line("  }");
        Line("]");
        return text.ToString();

        void WriteTensors(IEnumerable<ValueInfoProto> values, Func<string, string[]> comments, string? labelsOn)
        {
            var list = values.ToList();
            for (int i = 0; i < list.Count; i++)
            {
                var v = list[i];
                var dims = v.Type.TensorType.Shape.Dim.Skip(1).Select(d => d.DimValue).ToArray();
                Line("  {");
                foreach (var comment in comments(v.Name)) Line("    " + comment);
                Line($"    name: \"{v.Name}\"");
                Line($"    data_type: {TritonType(v)}");
                // A tensor with no axis but the batch: Triton wants dims [1] and the backend's shape [] (its docs, "Reshape").
                Line($"    dims: [ {(dims.Length == 0 ? "1" : string.Join(", ", dims.Select(d => d.ToString(CultureInfo.InvariantCulture))))} ]");
                if (dims.Length == 0) Line("    reshape: { shape: [ ] }");
                if (v.Name == labelsOn) Line($"    label_filename: \"{LabelsFileName}\"");
                Line(i == list.Count - 1 ? "  }" : "  },");
            }
        }
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");

    private static string TritonType(ValueInfoProto value) => (TensorProto.Types.DataType)value.Type.TensorType.ElemType switch
    {
        TensorProto.Types.DataType.Float => "TYPE_FP32",
        TensorProto.Types.DataType.String => "TYPE_STRING",
        TensorProto.Types.DataType.Int64 => "TYPE_INT64",
        var other => throw new InvalidOperationException($"Graph value '{value.Name}' is {other}, which this export has no Triton type for."),
    };

    private static string ChannelText(ChannelOrder order) => order switch
    {
        ChannelOrder.Rgb => "RGB (red, green, blue planes)",
        ChannelOrder.Bgr => "BGR (blue, green, red planes)",
        _ => "gray (one plane)",
    };

    private static void CheckModelName(string name)
    {
        if (string.IsNullOrWhiteSpace(name) || name is "." or ".." || name.IndexOfAny(['/', '\\', '"', '\n', '\r']) >= 0
            || name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0)
            throw new ArgumentException($"Model name '{name}' is not a plain folder name (Triton's model name is its folder in the repository).", nameof(name));
    }
}
