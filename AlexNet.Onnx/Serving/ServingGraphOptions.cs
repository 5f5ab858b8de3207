namespace AlexNet.Onnx.Serving;

/// <summary>Names and crop mode of a serving graph built by <see cref="ServingGraph"/>.</summary>
public sealed record ServingGraphOptions
{
    /// <summary>Graph input: float [1, C, R, R], the prepared image in the model's channel order on the 0–255 scale.</summary>
    public string InputName { get; init; } = "pixels";
    /// <summary>Graph output: float [classes], the class probabilities averaged over the crops.</summary>
    public string ScoreName { get; init; } = "Score";
    /// <summary>Graph output: string [1], the label of the highest score (first on ties); null leaves it out.</summary>
    public string? PredictedLabelName { get; init; } = "PredictedLabel";
    /// <summary>Graph output: float [fc7 units], the fc7 activations averaged over the crops; null leaves it out.</summary>
    public string? FeaturesName { get; init; }
    /// <summary>Which crops the network sees.</summary>
    public CropMode CropMode { get; init; } = CropMode.TenCrop;
}
