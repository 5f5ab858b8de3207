using AlexNet.Onnx.Imaging;
using AlexNet.Training.Data;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;
using SkiaSharp;

namespace AlexNet.MLNet.Training.Data;

/// <summary>
/// Reads the rows of an <see cref="IDataView"/> into <see cref="InMemoryImages"/>. One image's way from a row to a
/// training batch:
/// <list type="number">
/// <item>the label: a key; key k is class k − 1 (ML.NET keys count from 1, 0 is a missing label, whose row is skipped
/// as ML.NET's trainers skip it);</item>
/// <item>the image, whichever the column holds: a file path (decoded as the CLI decodes an image folder's files),
/// encoded bytes (<c>LoadRawImageBytes</c>, a <c>byte[]</c> property) or an <see cref="MLImage"/> (<c>LoadImages</c>,
/// in-memory images);</item>
/// <item>AlexNet.Onnx's preparation: the shorter side scaled to the preset's resize side R and the central R×R kept, as
/// ML.NET's <c>ResizeImages(IsoCrop, Center)</c> does when the model serves, then planar C×R×R bytes;</item>
/// <item>the Trainer's own batch loader takes it from there: mean subtraction, random crops and flips, PCA lighting,
/// exactly as for <c>alexnet train</c>.</item>
/// </list>
/// A row whose image cannot be read is skipped, counted and named in <see cref="Result.Skipped"/>, as the CLI skips an
/// undecodable file.
/// </summary>
internal static class DataViewImages
{
    /// <summary>What was read.</summary>
    /// <param name="Images">The labelled images, in row order.</param>
    /// <param name="Skipped">Rows whose image could not be read: the path (or "row N") and the reason.</param>
    /// <param name="Unlabelled">Rows skipped for a missing label (key 0).</param>
    public sealed record Result(InMemoryImages Images, IReadOnlyList<SkippedImage> Skipped, int Unlabelled);

    /// <summary>What an image column holds.</summary>
    public enum ImageKind { Path, Bytes, Image }

    /// <summary>The kind of image column <paramref name="name"/> is, or an error that says what it should be.</summary>
    public static ImageKind KindOf(DataViewSchema schema, string name, string option)
    {
        var column = schema.GetColumnOrNull(name) ?? throw new ArgumentException(
            $"Column '{name}' ({option}) is not in the input (columns: {string.Join(", ", schema.Select(c => c.Name))}).", option);
        return column.Type switch
        {
            TextDataViewType => ImageKind.Path,
            ImageDataViewType => ImageKind.Image,
            VectorDataViewType { ItemType: var item } when item == NumberDataViewType.Byte => ImageKind.Bytes,
            _ => throw new ArgumentException(
                $"Column '{name}' ({option}) holds {column.Type}; the AlexNet trainer reads image file paths (text), encoded images " +
                "(a vector of bytes, e.g. from LoadRawImageBytes) or images (from LoadImages, or MLImage objects).", option),
        };
    }

    /// <summary>Reads every row of <paramref name="data"/>.</summary>
    /// <param name="data">The rows.</param>
    /// <param name="imageColumn">The image column.</param>
    /// <param name="labelColumn">The key label column.</param>
    /// <param name="classNames">Class names in key order.</param>
    /// <param name="size">R.</param>
    /// <param name="channels">C: 3 (R, G, B) or 1 (the red plane, the gray value of a gray image).</param>
    /// <param name="decode">Decoding limits.</param>
    public static Result Read(IDataView data, string imageColumn, string labelColumn, IReadOnlyList<string> classNames, int size, int channels,
        ImageDecodeOptions decode)
    {
        var kind = KindOf(data.Schema, imageColumn, "FeatureColumnName");
        var image = data.Schema[imageColumn];
        var label = data.Schema[labelColumn];
        var pixels = new List<byte[]>();
        var labels = new List<int>();
        var skipped = new List<SkippedImage>();
        int unlabelled = 0;
        long row = 0;
        using var cursor = data.GetRowCursor([image, label]);
        var getLabel = cursor.GetGetter<uint>(label);
        uint key = 0;
        var text = default(ReadOnlyMemory<char>);
        var bytes = default(VBuffer<byte>);
        MLImage? picture = null;
        var getPath = kind == ImageKind.Path ? cursor.GetGetter<ReadOnlyMemory<char>>(image) : null;
        var getBytes = kind == ImageKind.Bytes ? cursor.GetGetter<VBuffer<byte>>(image) : null;
        var getImage = kind == ImageKind.Image ? cursor.GetGetter<MLImage>(image) : null;
        while (cursor.MoveNext())
        {
            row++;
            getLabel(ref key);
            if (key == 0) { unlabelled++; continue; }
            string name = $"row {row}";
            var dest = new byte[channels * size * size];
            try
            {
                switch (kind)
                {
                    case ImageKind.Path:
                        getPath!(ref text);
                        name = text.ToString();
                        PaperPreparation.Load(name, size, channels, dest, decode);
                        break;
                    case ImageKind.Bytes:
                        getBytes!(ref bytes);
                        using (var decoded = ImageDecoder.Decode(bytes.DenseValues().ToArray(), name, decode))
                            Prepare(decoded, size, channels, dest);
                        break;
                    default:
                        getImage!(ref picture!);
                        if (picture is null) throw new ImageDecodeException(name, "the row holds no image.");
                        using (var bitmap = Bitmap(picture, name))
                            Prepare(bitmap, size, channels, dest);
                        break;
                }
            }
            catch (ImageDecodeException e)
            {
                skipped.Add(new SkippedImage(e.Path, e.Reason));
                continue;
            }
            pixels.Add(dest);
            labels.Add((int)key - 1);
        }
        return new Result(new InMemoryImages([.. pixels], [.. labels], classNames, channels, size), skipped, unlabelled);
    }

    private static void Prepare(SKBitmap decoded, int size, int channels, byte[] dest)
    {
        using var resized = IsoCropResize.Resize(decoded, size);
        PlanarPixels.Extract(resized, channels, dest);
    }

    // MLImage keeps its SkiaSharp bitmap to itself; its pixels (32-bit, premultiplied alpha, as it decoded them) are
    // copied into one, so the resize is the same SkiaSharp draw that ML.NET's ResizeImages makes when the model serves.
    private static SKBitmap Bitmap(MLImage image, string name)
    {
        var colour = image.PixelFormat switch
        {
            MLPixelFormat.Bgra32 => SKColorType.Bgra8888,
            MLPixelFormat.Rgba32 => SKColorType.Rgba8888,
            var other => throw new ImageDecodeException(name, $"the image's pixel format {other} is not 32-bit colour."),
        };
        var bitmap = new SKBitmap(new SKImageInfo(image.Width, image.Height, colour, SKAlphaType.Premul));
        System.Runtime.InteropServices.Marshal.Copy(image.Pixels.ToArray(), 0, bitmap.GetPixels(), image.Pixels.Length);
        return bitmap;
    }
}
