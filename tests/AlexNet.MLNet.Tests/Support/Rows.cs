using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace AlexNet.MLNet.Tests.Support;

/// <summary>An input row: the path of an image file.</summary>
public sealed class PathRow
{
    public string ImagePath { get; set; } = "";
}

/// <summary>The classifier's outputs as an app declares them.</summary>
public sealed class Prediction
{
    public float[] Score { get; set; } = [];
    public uint PredictedLabel { get; set; }
}

/// <summary>Outputs with the fc7 features.</summary>
public sealed class PredictionWithFeatures
{
    public float[] Score { get; set; } = [];
    public uint PredictedLabel { get; set; }
    public float[] Features { get; set; } = [];
}
