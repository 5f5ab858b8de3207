using AlexNet.Onnx.Imaging;

namespace AlexNet.Training.Data;

/// <summary>The training crop of section 4.1, drawn per image; the fixed windows come from <see cref="CropWindow"/>.</summary>
public static class Crops
{
    /// <summary>
    /// Draws a training window: its left column, then its top row, uniform in 0 … R − S, then the reflection with
    /// probability ½, in that order from <paramref name="random"/>.
    /// </summary>
    /// <param name="random">The image's generator.</param>
    /// <param name="side">R.</param>
    /// <param name="size">S.</param>
    public static CropWindow DrawRandom(ref SplitMix64 random, int side, int size)
    {
        int left = random.NextInt(side - size + 1);
        int top = random.NextInt(side - size + 1);
        bool mirror = random.NextDouble() < 0.5;
        return new CropWindow(top, left, mirror);
    }
}
