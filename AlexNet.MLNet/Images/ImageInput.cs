using AlexNet.Onnx.Imaging;
using Microsoft.ML;
using Microsoft.ML.Data;
using SkiaSharp;
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

    /// <summary>
    /// Decodes an encoded image held in memory (an upload, say) into an <see cref="MLImage"/>, once: AlexNet.Onnx's
    /// <see cref="ImageDecoder"/> checks and decodes it as <c>MLImage.CreateFromStream</c> would (the same 32-bit pixels,
    /// premultiplied alpha), and its pixels are handed to <c>MLImage.CreateFromPixels</c>, which copies them without
    /// decoding again. Unlike ML.NET's own decoding, every error names the image.
    /// </summary>
    /// <param name="encoded">The file's bytes (JPEG, PNG, WebP, BMP, GIF).</param>
    /// <param name="name">A name for error messages (the upload's file name, say).</param>
    /// <param name="options">Pixel limit and truncation leniency; the defaults when null.</param>
    /// <returns>An image the caller disposes.</returns>
    /// <exception cref="ImageDecodeException">Empty, too large, truncated or not an image; the message names it.</exception>
    public static MLImage Decode(byte[] encoded, string name, ImageDecodeOptions? options = null)
    {
        using var bitmap = ImageDecoder.Decode(encoded, name, options);
        var format = bitmap.ColorType == SKColorType.Bgra8888 ? MLPixelFormat.Bgra32 : MLPixelFormat.Rgba32;
        int rowBytes = bitmap.Width * 4;
        if (bitmap.RowBytes == rowBytes) return MLImage.CreateFromPixels(bitmap.Width, bitmap.Height, format, bitmap.GetPixelSpan());
        // A padded row layout: pack the rows first, as CreateFromPixels takes exactly width × height × 4 bytes.
        var packed = new byte[rowBytes * bitmap.Height];
        var source = bitmap.GetPixelSpan();
        for (int y = 0; y < bitmap.Height; y++) source.Slice(y * bitmap.RowBytes, rowBytes).CopyTo(packed.AsSpan(y * rowBytes));
        return MLImage.CreateFromPixels(bitmap.Width, bitmap.Height, format, packed);
    }

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
