namespace AlexNet.MLNet;

/// <summary>Names of the intermediate columns the composed pipeline adds and drops again.</summary>
internal static class AlexNetColumns
{
    /// <summary>Prefix reserved for intermediate columns; user column names may not start with it.</summary>
    public const string Prefix = "AlexNet.";
    /// <summary>The image path, when the input column holds paths.</summary>
    public const string ImagePath = Prefix + "ImagePath";
    /// <summary>The image path after <see cref="Images.ImageFileCheck"/> decoded it.</summary>
    public const string CheckedImagePath = Prefix + "CheckedImagePath";
    /// <summary>The encoded image bytes, when the input column holds them.</summary>
    public const string EncodedImage = Prefix + "EncodedImage";
    /// <summary>The image loaded from <see cref="CheckedImagePath"/> or decoded from <see cref="EncodedImage"/>.</summary>
    public const string Image = Prefix + "Image";
    /// <summary>The image resized to R×R.</summary>
    public const string ResizedImage = Prefix + "ResizedImage";
    /// <summary>Planar float pixels of the resized image, the serving graph's input.</summary>
    public const string Pixels = Prefix + "Pixels";
    /// <summary>The serving graph's label output, a text vector of length 1.</summary>
    public const string PredictedLabelVector = Prefix + "PredictedLabelVector";
    /// <summary>The label as a scalar text column (fixed, because a saved custom mapping reloads with its declared names).</summary>
    public const string PredictedLabel = Prefix + "PredictedLabel";
    /// <summary>The serving graph's list of class labels, for <see cref="Labels.LabelCheck"/>.</summary>
    public const string Classes = Prefix + "Classes";
    /// <summary>The user's label column as text.</summary>
    public const string Label = Prefix + "Label";
    /// <summary>The label after <see cref="Labels.LabelCheck"/> found it among the classes.</summary>
    public const string CheckedLabel = Prefix + "CheckedLabel";
}
