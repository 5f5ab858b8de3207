namespace AlexNet.Bench.Inference;

/// <summary>An ML.NET input row: an image file path.</summary>
public sealed class PathRow
{
    /// <summary>The image file.</summary>
    public string ImagePath { get; set; } = "";
}
