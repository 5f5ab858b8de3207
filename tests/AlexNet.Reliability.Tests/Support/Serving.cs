using AlexNet.MLNet;
using Microsoft.ML;

namespace AlexNet.Reliability.Tests.Support;

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

/// <summary>The test model fitted on the path column, as an app serving uploads builds it.</summary>
internal static class Serving
{
    public static (MLContext Ml, ITransformer Model) Fit()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(TestPhotos.Names.Select(n => new PathRow { ImagePath = TestPhotos.Path(n) }).ToArray());
        return (ml, ml.Transforms.ClassifyImagesWithAlexNet(TestModels.Rgb, nameof(PathRow.ImagePath)).Fit(data));
    }
}
