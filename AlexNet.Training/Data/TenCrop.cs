namespace AlexNet.Training.Data;

/// <summary>
/// The paper's test-time ten patches (section 4.1): the four corner patches and the central patch of the R×R
/// image, then the horizontal reflections of the same five. Order: 0 top-left, 1 top-right, 2 bottom-left,
/// 3 bottom-right, 4 centre, and 5 + k is crop k mirrored. The network's softmax outputs are averaged over the ten.
/// </summary>
public static class TenCrop
{
    /// <summary>The ten (x, y, flip) placements in the documented order.</summary>
    /// <param name="size">R.</param>
    /// <param name="cropSize">S.</param>
    public static IReadOnlyList<(int X, int Y, bool Flip)> Positions(int size, int cropSize)
    {
        int far = size - cropSize, centre = Crops.CentreOffset(size, cropSize);
        (int, int)[] five = [(0, 0), (far, 0), (0, far), (far, far), (centre, centre)];
        return five.Select(p => (p.Item1, p.Item2, false)).Concat(five.Select(p => (p.Item1, p.Item2, true))).ToArray();
    }

    /// <summary>Writes the ten crops one after another.</summary>
    /// <param name="image">C × R × R values, planar.</param>
    /// <param name="channels">C.</param>
    /// <param name="size">R.</param>
    /// <param name="cropSize">S.</param>
    /// <param name="dest">10 × C × S × S values.</param>
    public static void Cut(ReadOnlySpan<float> image, int channels, int size, int cropSize, Span<float> dest)
    {
        int one = channels * cropSize * cropSize;
        if (dest.Length != 10 * one) throw new ArgumentException($"Destination holds {dest.Length} values; ten {channels}x{cropSize}x{cropSize} crops need {10 * one}.", nameof(dest));
        var positions = Positions(size, cropSize);
        for (int k = 0; k < 10; k++)
            Crops.Crop(image, channels, size, positions[k].X, positions[k].Y, cropSize, positions[k].Flip, dest.Slice(k * one, one));
    }
}
