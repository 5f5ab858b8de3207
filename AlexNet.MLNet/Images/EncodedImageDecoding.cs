using AlexNet.Onnx.Imaging;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;
using Microsoft.ML.Transforms.Image;

namespace AlexNet.MLNet.Images;

/// <summary>
/// Decodes a column of encoded images (the bytes of a JPEG, PNG, WebP, BMP or GIF file: <c>LoadRawImageBytes</c>' output,
/// or a <c>byte[]</c> property) into <see cref="MLImage"/>s with <see cref="ImageInput.Decode"/>, the same 32-bit pixels
/// <c>LoadImages</c> gives for the file, with errors that say what is wrong. Saved by contract name, like
/// <see cref="ImageFileCheck"/>.
/// </summary>
[CustomMappingFactoryAttribute(ContractName)]
public sealed class EncodedImageDecoding : CustomMappingFactory<EncodedImageDecoding.EncodedImage, EncodedImageDecoding.DecodedImage>
{
    /// <summary>Name under which the mapping is saved.</summary>
    public const string ContractName = "AlexNet.MLNet.EncodedImageDecoding";

    /// <summary>Input row: the encoded image.</summary>
    public sealed class EncodedImage
    {
        /// <summary>The file's bytes.</summary>
        [ColumnName(AlexNetColumns.EncodedImage)]
        public byte[] Bytes { get; set; } = [];
    }

    /// <summary>Output row: the decoded image.</summary>
    public sealed class DecodedImage
    {
        /// <summary>The image; any size (the schema swaps the nominal 1×1 for a size-free image type, see
        /// <see cref="ImageInput.SizeFreeImages{TRow}"/>).</summary>
        [ColumnName(AlexNetColumns.Image)]
        [ImageType(1, 1)]
        public MLImage? Image { get; set; }
    }

    /// <summary>The output schema: a size-free image column.</summary>
    public static SchemaDefinition OutputSchema() => ImageInput.SizeFreeImages<DecodedImage>(AlexNetColumns.Image);

    /// <summary>Decodes one row's bytes.</summary>
    /// <param name="input">The encoded image.</param>
    /// <param name="output">Receives the image.</param>
    /// <exception cref="ImageDecodeException">Empty, too large, truncated or not an image.</exception>
    public static void Decode(EncodedImage input, DecodedImage output) =>
        output.Image = ImageInput.Decode(input.Bytes ?? [], $"the encoded image ({input.Bytes?.Length ?? 0} bytes)");

    /// <summary>Returns <see cref="Decode"/>.</summary>
    public override Action<EncodedImage, DecodedImage> GetMapping() => Decode;
}
