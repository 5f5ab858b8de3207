using AlexNet.Onnx.Imaging;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace AlexNet.MLNet.Images;

/// <summary>
/// Checks an image file before ML.NET's <c>LoadImages</c> decodes it, because <c>LoadImages</c> reports a corrupt or
/// truncated file as "Invalid input stream contents" without saying which file. Decoding with AlexNet.Onnx's
/// <see cref="ImageDecoder"/> rejects missing, empty, truncated, oversized and non-image files with an
/// <see cref="ImageDecodeException"/> that names the file. Saved by contract name, like
/// <see cref="Labels.PredictedLabelUnwrapping"/>.
/// </summary>
[CustomMappingFactoryAttribute(ContractName)]
public sealed class ImageFileCheck : CustomMappingFactory<ImageFileCheck.ImagePath, ImageFileCheck.CheckedImagePath>
{
    /// <summary>Name under which the mapping is saved.</summary>
    public const string ContractName = "AlexNet.MLNet.ImageFileCheck";

    /// <summary>Input row: the path as given.</summary>
    public sealed class ImagePath
    {
        /// <summary>Path of an image file.</summary>
        [ColumnName(AlexNetColumns.ImagePath)]
        public string Path { get; set; } = "";
    }

    /// <summary>Output row: the same path, once it decodes.</summary>
    public sealed class CheckedImagePath
    {
        /// <summary>Path of a decodable image file.</summary>
        [ColumnName(AlexNetColumns.CheckedImagePath)]
        public string Path { get; set; } = "";
    }

    /// <summary>The check: decode the file fully (the result is discarded) and pass its path on.</summary>
    /// <param name="input">The path.</param>
    /// <param name="output">Receives the path.</param>
    /// <exception cref="ImageDecodeException">The file is missing, empty, truncated, too large or not an image.</exception>
    public static void Check(ImagePath input, CheckedImagePath output)
    {
        if (string.IsNullOrWhiteSpace(input.Path))
            throw new ImageDecodeException("(empty path)", "the image path column holds an empty value.");
        using (ImageDecoder.Decode(input.Path)) { }
        output.Path = input.Path;
    }

    /// <summary>Returns <see cref="Check"/>.</summary>
    public override Action<ImagePath, CheckedImagePath> GetMapping() => Check;
}
