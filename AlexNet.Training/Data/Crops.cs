namespace AlexNet.Training.Data;

/// <summary>Cutting S×S patches, optionally mirrored left–right, out of a planar C×R×R image.</summary>
public static class Crops
{
    /// <summary>Copies the S×S patch whose top-left corner is (x, y), mirrored horizontally when <paramref name="flip"/>.</summary>
    /// <param name="image">C × R × R values, planar.</param>
    /// <param name="channels">C.</param>
    /// <param name="size">R.</param>
    /// <param name="x">Left column, 0 … R − S.</param>
    /// <param name="y">Top row, 0 … R − S.</param>
    /// <param name="cropSize">S.</param>
    /// <param name="flip">Mirror the patch left–right (column j of the output is column S − 1 − j of the patch).</param>
    /// <param name="dest">C × S × S values.</param>
    public static void Crop(ReadOnlySpan<float> image, int channels, int size, int x, int y, int cropSize, bool flip, Span<float> dest)
    {
        if (cropSize < 1 || cropSize > size) throw new ArgumentOutOfRangeException(nameof(cropSize), cropSize, $"The crop must be 1…{size}.");
        if (x < 0 || y < 0 || x + cropSize > size || y + cropSize > size)
            throw new ArgumentOutOfRangeException(nameof(x), $"A {cropSize}-pixel crop at ({x}, {y}) leaves the {size}x{size} image.");
        if (image.Length != channels * size * size) throw new ArgumentException($"Image holds {image.Length} values, not {channels}x{size}x{size}.", nameof(image));
        if (dest.Length != channels * cropSize * cropSize) throw new ArgumentException($"Destination holds {dest.Length} values, not {channels}x{cropSize}x{cropSize}.", nameof(dest));
        for (int c = 0; c < channels; c++)
            for (int row = 0; row < cropSize; row++)
            {
                var source = image.Slice(c * size * size + (y + row) * size + x, cropSize);
                var target = dest.Slice((c * cropSize + row) * cropSize, cropSize);
                if (!flip)
                {
                    source.CopyTo(target);
                }
                else
                {
                    for (int j = 0; j < cropSize; j++) target[j] = source[cropSize - 1 - j];
                }
            }
    }

    /// <summary>Top-left corner of the central patch: ((R − S) / 2, (R − S) / 2), rounded down.</summary>
    /// <param name="size">R.</param>
    /// <param name="cropSize">S.</param>
    public static int CentreOffset(int size, int cropSize) => (size - cropSize) / 2;

    /// <summary>
    /// Draws a training crop: x, then y, uniform in 0 … R − S, then the reflection with probability ½ — in that
    /// order from <paramref name="random"/>.
    /// </summary>
    /// <param name="random">The image's generator.</param>
    /// <param name="size">R.</param>
    /// <param name="cropSize">S.</param>
    public static (int X, int Y, bool Flip) DrawRandom(ref SplitMix64 random, int size, int cropSize)
    {
        int x = random.NextInt(size - cropSize + 1);
        int y = random.NextInt(size - cropSize + 1);
        bool flip = random.NextDouble() < 0.5;
        return (x, y, flip);
    }
}
