using AlexNet.Onnx.Datasets;
using Microsoft.ML.Data;

namespace AlexNet.Samples.QuickStart;

/// <summary>The Fashion-MNIST test split as in-memory <see cref="MLImage"/> rows, the images at their original 28×28.</summary>
public static class FashionMnistTestSet
{
    /// <summary>Reads the first <paramref name="limit"/> test images and their labels.</summary>
    /// <param name="folder">Folder holding t10k-images-idx3-ubyte[.gz] and t10k-labels-idx1-ubyte[.gz].</param>
    /// <param name="limit">How many images; null reads all 10,000.</param>
    /// <returns>Rows the caller disposes (each holds a native bitmap).</returns>
    public static List<FashionImage> Load(string folder, int? limit)
    {
        var (images, labels) = FashionMnistFiles.ReadTest(folder);
        int count = Math.Min(images.Count, limit ?? int.MaxValue), rows = images.Dimensions[1], cols = images.Dimensions[2], size = rows * cols;
        var list = new List<FashionImage>(count);
        var rgba = new byte[size * 4];
        for (int i = 0; i < count; i++)
        {
            var gray = images.Data.AsSpan(i * size, size);
            for (int p = 0; p < size; p++) { rgba[4 * p] = rgba[4 * p + 1] = rgba[4 * p + 2] = gray[p]; rgba[4 * p + 3] = 255; }
            list.Add(new FashionImage
            {
                Image = MLImage.CreateFromPixels(cols, rows, MLPixelFormat.Rgba32, rgba),
                Label = FashionMnistFiles.ClassNames[labels.Data[i]],
            });
        }
        return list;
    }
}
