using AlexNet.Onnx.Metadata;
using AlexNet.Onnx.Serving;

namespace AlexNet.MLNet;

/// <summary>Settings of <see cref="AlexNetCatalog.ClassifyImagesWithAlexNet"/>: crops, output columns and device.</summary>
public sealed record AlexNetOptions
{
    /// <summary>Which crops the network sees; the paper's ten-crop average by default.</summary>
    public CropMode CropMode { get; init; } = CropMode.TenCrop;
    /// <summary>Output column of the class probabilities (one float per class, class labels as slot names).</summary>
    public string ScoreColumnName { get; init; } = "Score";
    /// <summary>Output column of the most probable class's label (text).</summary>
    public string PredictedLabelColumnName { get; init; } = "PredictedLabel";
    /// <summary>Whether to add the fc7 activations (the paper's section 6.1 feature vector), averaged over the crops.</summary>
    public bool EmitFeatures { get; init; }
    /// <summary>Output column of the features when <see cref="EmitFeatures"/> is set.</summary>
    public string FeaturesColumnName { get; init; } = "Features";
    /// <summary>CUDA device to run on, or null for the CPU (or <c>MLContext.GpuDeviceId</c> when that is set), as in <c>ApplyOnnxModel</c>.</summary>
    public int? GpuDeviceId { get; init; }
    /// <summary>When the CUDA provider cannot be used, run on the CPU instead of failing, as in <c>ApplyOnnxModel</c>.</summary>
    public bool FallbackToCpu { get; init; }
    /// <summary>Preprocessing for a foreign AlexNet-style file without AlexNet metadata; null reads the file's own metadata.</summary>
    public ModelMetadata? Preprocessing { get; init; }
}
