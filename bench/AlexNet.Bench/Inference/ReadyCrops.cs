using AlexNet.Onnx;
using AlexNet.Onnx.Imaging;
using AlexNet.Onnx.Runtime;

namespace AlexNet.Bench.Inference;

/// <summary>Centre crops of real images, preprocessed once, for the cases that start from ready-made tensors.</summary>
public static class ReadyCrops
{
    /// <summary>N × crop floats: the centre crop of image i mod count at position i.</summary>
    /// <param name="model">The opened model (its metadata gives sizes, scale and mean).</param>
    /// <param name="paths">Image files.</param>
    /// <param name="batch">N.</param>
    public static float[] Centre(ModelFile model, IReadOnlyList<string> paths, int batch)
    {
        var m = model.Metadata;
        var prepared = new float[m.InputChannels * m.ResizeSize * m.ResizeSize];
        var crops = new float[batch * model.CropLength];
        for (int i = 0; i < batch; i++)
        {
            PaperPreparation.Load(paths[i % paths.Count], m.ResizeSize, m.InputChannels, prepared);
            ImageCrops.Centre(m, prepared, crops.AsSpan(i * model.CropLength, model.CropLength));
        }
        return crops;
    }

    /// <summary>The ten crops of one image (corners, centre, then their mirrors), preprocessed.</summary>
    /// <param name="model">The opened model.</param>
    /// <param name="path">Image file.</param>
    public static float[] Ten(ModelFile model, string path)
    {
        var m = model.Metadata;
        var prepared = new float[m.InputChannels * m.ResizeSize * m.ResizeSize];
        PaperPreparation.Load(path, m.ResizeSize, m.InputChannels, prepared);
        var crops = new float[10 * model.CropLength];
        ImageCrops.Crop(m, prepared, CropWindow.TenCrop(m.PaddedSize, m.InputSize), crops);
        return crops;
    }
}
