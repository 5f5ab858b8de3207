using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace AlexNet.Samples.GpuCheck;

/// <summary>An input row holding an in-memory image.</summary>
public sealed class ImageRow
{
    /// <summary>
    /// The schema with a size-free image column. ML.NET 5.0.1's parameterless [ImageType] throws when it registers, so
    /// the attribute names a nominal size and the schema swaps in the size-free type.
    /// </summary>
    public static SchemaDefinition Schema()
    {
        DataViewTypeManager.Register(new ImageDataViewType(), typeof(MLImage), new ImageTypeAttribute());
        var schema = SchemaDefinition.Create(typeof(ImageRow));
        schema[nameof(Image)].ColumnType = new ImageDataViewType();
        return schema;
    }

    /// <summary>The image.</summary>
    [ImageType(1, 1)]
    public MLImage? Image { get; set; }
}

/// <summary>The classifier's score column.</summary>
public sealed class ScoreRow
{
    /// <summary>Class probabilities averaged over the ten crops.</summary>
    public float[] Score { get; set; } = [];
}
