using Microsoft.ML.Data;

namespace AlexNet.Samples.GpuCheck;

/// <summary>Deterministic colour images (gradients and stripes), so the check needs no image files.</summary>
internal static class SyntheticImages
{
    /// <summary>Makes <paramref name="count"/> BGRA images of 320×240, each different.</summary>
    /// <param name="count">How many.</param>
    public static List<MLImage> Make(int count)
    {
        const int width = 320, height = 240;
        var images = new List<MLImage>(count);
        var random = new Random(42);
        for (int n = 0; n < count; n++)
        {
            var pixels = new byte[width * height * 4];
            int a = random.Next(1, 7), b = random.Next(1, 7), phase = random.Next(256);
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                {
                    int i = (y * width + x) * 4;
                    pixels[i] = (byte)(x * 255 / width);                       // blue: horizontal ramp
                    pixels[i + 1] = (byte)(y * 255 / height);                  // green: vertical ramp
                    pixels[i + 2] = (byte)((x * a + y * b + phase) % 256);     // red: diagonal stripes
                    pixels[i + 3] = 255;
                }
            images.Add(MLImage.CreateFromPixels(width, height, MLPixelFormat.Bgra32, pixels));
        }
        return images;
    }
}
