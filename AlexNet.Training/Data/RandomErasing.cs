namespace AlexNet.Training.Data;

/// <summary>
/// Random erasing (Zhong et al. 2017, torchvision's <c>RandomErasing</c>): with probability p, one rectangle of the
/// training crop, covering 2–40 % of it with an aspect ratio between 0.3 and 1/0.3, is set to zero, which after mean
/// subtraction is the mean image. Not one of the paper's augmentations; an option for small data where the net
/// learns the training crops too well.
/// </summary>
public static class RandomErasing
{
    /// <summary>Smallest and largest erased fraction of the crop's area (Zhong et al.'s s_l and s_h).</summary>
    public const double MinArea = 0.02, MaxArea = 0.4;

    /// <summary>Smallest aspect ratio (height ÷ width); the largest is its inverse.</summary>
    public const double MinAspect = 0.3;

    /// <summary>Draws whether and where to erase; Width 0 means nothing is erased.</summary>
    /// <param name="random">The image's stream (the same draws for the same seed, epoch and image).</param>
    /// <param name="probability">Chance that the crop gets a rectangle at all.</param>
    /// <param name="size">The crop's side.</param>
    public static (int X, int Y, int Width, int Height) Draw(ref SplitMix64 random, double probability, int size)
    {
        if (probability <= 0 || random.NextDouble() >= probability) return (0, 0, 0, 0);
        // A rectangle that does not fit is drawn again, up to 10 times, as torchvision does.
        for (int attempt = 0; attempt < 10; attempt++)
        {
            double area = size * size * (MinArea + (MaxArea - MinArea) * random.NextDouble());
            double aspect = Math.Exp(Math.Log(MinAspect) + (-2 * Math.Log(MinAspect)) * random.NextDouble());
            int h = (int)Math.Round(Math.Sqrt(area * aspect)), w = (int)Math.Round(Math.Sqrt(area / aspect));
            if (h < 1 || w < 1 || h > size || w > size) continue;
            return (random.NextInt(size - w + 1), random.NextInt(size - h + 1), w, h);
        }
        return (0, 0, 0, 0);
    }

    /// <summary>Zeroes the rectangle in every channel of a C×S×S crop.</summary>
    /// <param name="crop">The crop, mean already subtracted.</param>
    /// <param name="channels">C.</param>
    /// <param name="size">S.</param>
    /// <param name="box">What <see cref="Draw"/> returned.</param>
    public static void Apply(Span<float> crop, int channels, int size, (int X, int Y, int Width, int Height) box)
    {
        for (int ch = 0; ch < channels; ch++)
            for (int row = box.Y; row < box.Y + box.Height; row++)
                crop.Slice((ch * size + row) * size + box.X, box.Width).Clear();
    }
}
