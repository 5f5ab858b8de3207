using AlexNet.Onnx.Datasets;
using AlexNet.Onnx.Imaging;

namespace AlexNet.Samples;

/// <summary>
/// Photo folders for the samples that need labelled image files: Fashion-MNIST test images written as an
/// ImageNet-style tree of PNGs, &lt;class&gt;/&lt;nnnn&gt;.png, the class folder named after the class.
/// </summary>
public static class FashionMnistPhotos
{
    /// <summary>Writes the first <paramref name="perClass"/> test images of each of <paramref name="classes"/> under
    /// <paramref name="folder"/> (replaced) and lists each file with its class folder's name, class by class.</summary>
    /// <param name="dataFolder">Fashion-MNIST folder.</param>
    /// <param name="folder">Destination folder.</param>
    /// <param name="classes">Fashion-MNIST class numbers (0 to 9).</param>
    /// <param name="perClass">Images per class.</param>
    public static List<(string Path, string Label)> Write(string dataFolder, string folder, IReadOnlyList<int> classes, int perClass)
    {
        var (images, labels) = FashionMnistFiles.ReadTest(dataFolder);
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        int side = images.Dimensions[1], size = side * side;
        var written = new List<(string Path, string Label)>();
        foreach (int c in classes)
        {
            string name = FolderName(c);
            string dir = Directory.CreateDirectory(Path.Combine(folder, name)).FullName;
            for (int i = 0, n = 0; i < images.Count && n < perClass; i++)
            {
                if (labels.Data[i] != c) continue;
                using var bitmap = GrayImage.ToBitmap(images.Data.AsSpan(i * size, size), side, side);
                string path = Path.Combine(dir, $"{n++:D4}.png");
                PngFile.Save(bitmap, path);
                written.Add((path, name));
            }
        }
        return written;
    }

    // "T-shirt/top" cannot be a folder name.
    private static string FolderName(int label) => FashionMnistFiles.ClassNames[label].Replace('/', '-');
}
