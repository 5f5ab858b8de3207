using System.Buffers.Binary;
using AlexNet.Onnx.Datasets;

namespace AlexNet.Reliability.Tests.Support;

/// <summary>
/// A raw (uncompressed) IDX copy of the first Fashion-MNIST images, written once per test run, so each child
/// training process starts in about a second instead of decompressing all 60,000. The trainer holds out the last
/// 5,000 training images for validation, so the copy keeps 5,000 + <see cref="TrainImages"/>.
/// </summary>
internal static class TinyFashionMnist
{
    public const int TrainImages = 64;
    public const int TestImages = 32;

    private static readonly TempFolder Root = new();
    private static readonly Lazy<string> FolderPath = new(Write);

    public static string Folder => FolderPath.Value;

    public static void Delete() => Root.Dispose();

    private static string Write()
    {
        var source = FashionMnistFiles.FindVendoredFolder()
            ?? throw new AssertFailedException("The vendored data/fashion-mnist folder was not found above " + AppContext.BaseDirectory);
        int train = TrainImages + AlexNet.Training.Training.TrainingData.IdxValidationImages;
        Copy(source, "train-images-idx3-ubyte", train);
        Copy(source, "train-labels-idx1-ubyte", train);
        Copy(source, "t10k-images-idx3-ubyte", TestImages);
        Copy(source, "t10k-labels-idx1-ubyte", TestImages);
        return Root.Path;
    }

    private static void Copy(string source, string name, int count)
    {
        var array = IdxFile.Read(Path.Combine(source, name + ".gz"));
        var dims = (int[])array.Dimensions.Clone();
        dims[0] = count;
        using var file = File.Create(Path.Combine(Root.Path, name));
        Span<byte> word = stackalloc byte[4];
        file.Write([0, 0, 0x08, (byte)dims.Length]);
        foreach (var d in dims)
        {
            BinaryPrimitives.WriteInt32BigEndian(word, d);
            file.Write(word);
        }
        file.Write(array.Data.AsSpan(0, count * array.ItemSize));
    }
}
