using AlexNet.Onnx.Imaging;

namespace AlexNet.Integration.Tests;

/// <summary>PyTorch's side of the torchvision parity tests (Python/torchvision_reference.py, Debian's torchvision).</summary>
internal static class TorchvisionReference
{
    /// <summary>
    /// PyTorch's softmax for the 256-px images our serving path makes from <paramref name="photos"/>, cropped by
    /// CenterCrop(224) and normalised by Normalize(ImageNet mean, std) in PyTorch: compared with ML.NET's centre crop it
    /// covers the weights' import, the layers, the export and the normalisation, not two resamplers. One row per photo.
    /// </summary>
    public static float[][] SoftmaxOnOurResizedPixels(string weights, IReadOnlyList<string> photos, string folder)
    {
        var pixels = Path.Combine(folder, "resized.u8");
        using (var file = File.Create(pixels))
            foreach (var photo in photos)
            {
                var image = new byte[3 * 256 * 256];
                PaperPreparation.Load(photo, 256, 3, image);
                file.Write(image);
            }
        var expected = Path.Combine(folder, "same-pixels.f32");
        SystemPython.RunScript("torchvision_reference.py", "pixels", weights, expected, "256", pixels);
        return RawFloats.ReadRows(expected, 1000);
    }
}
