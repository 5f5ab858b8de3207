using AlexNet.Onnx.Imaging;
namespace AlexNet.Onnx.Serving;

/// <summary>Names and crop mode of a serving graph built by <see cref="ServingGraph"/>.</summary>
public sealed record ServingGraphOptions
{
    /// <summary>Graph input: float [N, C, R, R], the prepared images in the model's channel order on the 0–255 scale.</summary>
    public string InputName { get; init; } = "pixels";
    /// <summary>Graph output: float [classes], image 0's class probabilities averaged over its crops; the same name
    /// with <see cref="ServingGraph.BatchSuffix"/> is [N, classes], every image's.</summary>
    public string ScoreName { get; init; } = "Score";
    /// <summary>Graph output: string [N], each image's label of the highest score (first on ties); null leaves it out.</summary>
    public string? PredictedLabelName { get; init; } = "PredictedLabel";
    /// <summary>Graph output: float [fc7 units], image 0's fc7 activations averaged over its crops (and [N, fc7 units]
    /// with <see cref="ServingGraph.BatchSuffix"/>); null leaves it out.</summary>
    public string? FeaturesName { get; init; }
    /// <summary>Graph output: string [classes], the class labels in score order, for checking a label column against
    /// them; null leaves it out.</summary>
    public string? ClassesName { get; init; }
    /// <summary>Which crops the network sees.</summary>
    public CropMode CropMode { get; init; } = CropMode.TenCrop;
    /// <summary>
    /// True (ML.NET's graph): the per-image outputs ML.NET reads (image 0's score and features), the batch outputs
    /// beside them under <see cref="ServingGraph.BatchSuffix"/>, and the node ML.NET takes the score's slot names from.
    /// False (a standalone graph, for ONNX Runtime or Triton): only the batch outputs, each under its own name
    /// (<see cref="ScoreName"/> is [N, classes]), so every output has the batch axis first; <see cref="ClassesName"/>,
    /// which has none, must then be null.
    /// </summary>
    public bool PerImageOutputs { get; init; } = true;
}
