using AlexNet.Onnx.Imaging;
using AlexNet.Onnx.Metadata;
using AlexNet.Onnx.Serving;

namespace AlexNet.MLNet;

/// <summary>Settings of <see cref="Microsoft.ML.AlexNetCatalog.ClassifyImagesWithAlexNet"/>: crops, columns, batching and device.</summary>
public sealed record AlexNetOptions
{
    /// <summary>Which crops the network sees; the paper's ten-crop average by default.</summary>
    public CropMode CropMode { get; init; } = CropMode.TenCrop;
    /// <summary>Output column of the class probabilities (one float per class, class labels as slot names).</summary>
    public string ScoreColumnName { get; init; } = "Score";
    /// <summary>Output column of the most probable class: a key over the classes whose key values are the class labels
    /// in score order, as ML.NET's multiclass trainers output it (<c>MapKeyToValue</c> turns it into text).</summary>
    public string PredictedLabelColumnName { get; init; } = "PredictedLabel";
    /// <summary>Whether to add the fc7 activations (the paper's section 6.1 feature vector), averaged over the crops.</summary>
    public bool EmitFeatures { get; init; }
    /// <summary>Output column of the features when <see cref="EmitFeatures"/> is set.</summary>
    public string FeaturesColumnName { get; init; } = "Features";
    /// <summary>
    /// A label column to turn into the same key type as <see cref="PredictedLabelColumnName"/>, in the model's class
    /// order, so that <c>mlContext.MulticlassClassification.Evaluate</c> compares like with like; null (the default)
    /// leaves the input's columns alone. The column holds class names as text, or is a key with text key values (as
    /// <c>MapValueToKey</c> makes it, in any order: it is re-keyed by name). An empty label is a missing key, which
    /// Evaluate counts as unlabeled; a name that is not one of the model's classes is an
    /// <see cref="Labels.UnknownLabelException"/> naming it and the classes.
    /// </summary>
    public string? LabelColumnName { get; init; }
    /// <summary>
    /// Images per ONNX Runtime run when <see cref="AlexNetTransformer.Transform"/> scores a data view (each image
    /// brings its ten crops); 1 scores row by row through ML.NET's own ONNX step. Prediction engines and a model
    /// reloaded with <c>mlContext.Model.Load</c> always go row by row. The default, 4, was the fastest measured on a
    /// 2-core CPU and the cheapest in memory (each image in a batch holds ten crops' activations: for the paper preset
    /// a batch of 16 took 1.2 GB more than one of 4, docs/MLNET.md); raise it on a GPU.
    /// </summary>
    public int BatchSize { get; init; } = 4;
    /// <summary>CUDA device to run on, or null for the CPU (or <c>MLContext.GpuDeviceId</c> when that is set, for
    /// ML.NET's row-by-row step only), as in <c>ApplyOnnxModel</c>.</summary>
    public int? GpuDeviceId { get; init; }
    /// <summary>When the CUDA provider cannot be used, run on the CPU instead of failing, as in <c>ApplyOnnxModel</c>.</summary>
    public bool FallbackToCpu { get; init; }
    /// <summary>
    /// Threads one ONNX Runtime run may use within an operator, for both routes (ML.NET's row-by-row step and the batched
    /// runs), as <c>OnnxOptions.IntraOpNumThreads</c> in ML.NET and <c>intra_op_thread_count</c> in Triton's ONNX Runtime
    /// backend; 0 lets ONNX Runtime choose (one per physical core). Set it to 1 when several runs go at once (a pool of
    /// prediction engines, several batch workers): each run then keeps to one core instead of every run's threads
    /// waiting on each other for the same cores.
    /// </summary>
    public int IntraOpThreads { get; init; }
    /// <summary>Preprocessing for a foreign AlexNet-style file without AlexNet metadata; null reads the file's own metadata.</summary>
    public ModelMetadata? Preprocessing { get; init; }
}
