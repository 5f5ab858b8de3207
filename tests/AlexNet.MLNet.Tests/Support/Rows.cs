using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace AlexNet.MLNet.Tests.Support;

/// <summary>An input row: the path of an image file.</summary>
public sealed class PathRow
{
    public string ImagePath { get; set; } = "";
}

/// <summary>
/// An input row holding an image in memory. ML.NET 5.0.1's parameterless [ImageType] throws when it registers
/// (it builds ImageDataViewType(0, 0)), so the attribute names a nominal size and <see cref="Schema"/> swaps in
/// the size-free image type (registered here the way the attribute should have), letting one column hold photos
/// of different sizes.
/// </summary>
public sealed class ImageRow
{
    public static SchemaDefinition Schema()
    {
        DataViewTypeManager.Register(new ImageDataViewType(), typeof(MLImage), new ImageTypeAttribute());
        var schema = SchemaDefinition.Create(typeof(ImageRow));
        schema[nameof(Image)].ColumnType = new ImageDataViewType();
        return schema;
    }

    [ImageType(1, 1)]
    public MLImage? Image { get; set; }
}

/// <summary>The classifier's outputs as an app declares them.</summary>
public sealed class Prediction
{
    public float[] Score { get; set; } = [];
    public string PredictedLabel { get; set; } = "";
}

/// <summary>Outputs with the fc7 features.</summary>
public sealed class PredictionWithFeatures
{
    public float[] Score { get; set; } = [];
    public string PredictedLabel { get; set; } = "";
    public float[] Features { get; set; } = [];
}
