using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace AlexNet.Samples.QuickStart;

/// <summary>One Fashion-MNIST test image in memory, as an ML.NET input row.</summary>
public sealed class FashionImage
{
    /// <summary>The 28×28 image (grey, stored as RGBA with R = G = B).</summary>
    [ImageType(28, 28)]
    public MLImage? Image { get; set; }

    /// <summary>The true class name.</summary>
    public string Label { get; set; } = "";
}

/// <summary>What the AlexNet pipeline adds to a row.</summary>
public sealed class FashionPrediction
{
    /// <summary>Class probabilities averaged over the ten crops, in label order.</summary>
    public float[] Score { get; set; } = [];

    /// <summary>The most probable class.</summary>
    public string PredictedLabel { get; set; } = "";
}
