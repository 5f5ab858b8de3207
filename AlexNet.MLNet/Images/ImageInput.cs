using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace AlexNet.MLNet.Images;

/// <summary>
/// An input row holding a decoded image in memory, for apps that have images rather than files. Load rows with
/// <c>mlContext.Data.LoadFromEnumerable(rows, ImageInput.Schema())</c> (or pass the schema to
/// <c>CreatePredictionEngine</c>) so one column can hold images of different sizes.
/// </summary>
public sealed class ImageInput
{
    /// <summary>The image; any size.</summary>
    [ImageType(1, 1)]
    public MLImage? Image { get; set; }

    /// <summary>The row's schema, with a size-free image column (see <see cref="SizeFreeImages{TRow}"/>).</summary>
    public static SchemaDefinition Schema() => SizeFreeImages<ImageInput>(nameof(Image));

    /// <summary>
    /// A schema for any row type whose named <see cref="MLImage"/> properties hold images of varying size. ML.NET
    /// 5.0.1's parameterless <c>[ImageType]</c> throws when it registers (it builds <c>ImageDataViewType(0, 0)</c>), so
    /// such a property carries a nominal <c>[ImageType(1, 1)]</c> and this schema swaps in the size-free type,
    /// registered the way the attribute should have done.
    /// </summary>
    /// <typeparam name="TRow">The row type.</typeparam>
    /// <param name="imageColumns">Names of its image properties.</param>
    public static SchemaDefinition SizeFreeImages<TRow>(params string[] imageColumns)
    {
        DataViewTypeManager.Register(new ImageDataViewType(), typeof(MLImage), new ImageTypeAttribute());
        var schema = SchemaDefinition.Create(typeof(TRow));
        foreach (var column in imageColumns) schema[column].ColumnType = new ImageDataViewType();
        return schema;
    }
}
