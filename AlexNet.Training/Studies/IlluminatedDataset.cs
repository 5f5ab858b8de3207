using AlexNet.Training.Data;

namespace AlexNet.Training.Studies;

/// <summary>
/// A gray dataset seen under a coloured light: image i is multiplied, channel by channel, by the gains of a random
/// illuminant, g_c = b·exp(σ·z_c) / max_c exp(σ·z_c) with z_c ~ N(0, 1) and brightness b ~ U(0.6, 1), fixed per
/// (seed, image). Colour then carries no class information, only the intensity and colour of the illumination the
/// paper's PCA augmentation is meant to make the net invariant to (section 4.1). A synthetic stand-in, used only
/// when no real colour dataset is at hand.
/// </summary>
/// <param name="gray">A 1-channel dataset.</param>
/// <param name="seed">Seed of the illuminants (use different seeds for different splits).</param>
/// <param name="sigma">Spread σ of the log channel gains.</param>
public sealed class IlluminatedDataset(IImageDataset gray, long seed, double sigma = 0.35) : IImageDataset
{
    private readonly IImageDataset gray = gray.Channels == 1 ? gray
        : throw new ArgumentException($"An illuminated dataset wraps 1-channel data; this one has {gray.Channels}.", nameof(gray));

    /// <inheritdoc />
    public int Count => gray.Count;
    /// <inheritdoc />
    public int Channels => 3;
    /// <inheritdoc />
    public int Size => gray.Size;
    /// <inheritdoc />
    public IReadOnlyList<string> ClassNames => gray.ClassNames;
    /// <inheritdoc />
    public int GetLabel(int index) => gray.GetLabel(index);

    /// <summary>The R, G, B gains of image <paramref name="index"/>'s illuminant, each in (0, 1].</summary>
    /// <param name="index">0 … Count − 1.</param>
    public (double R, double G, double B) Illuminant(int index)
    {
        var rng = SplitMix64.For(seed, 0x111, index);
        double r = Math.Exp(sigma * rng.NextGaussian()), g = Math.Exp(sigma * rng.NextGaussian()), b = Math.Exp(sigma * rng.NextGaussian());
        double brightness = 0.6 + 0.4 * rng.NextDouble(), top = Math.Max(r, Math.Max(g, b));
        return (brightness * r / top, brightness * g / top, brightness * b / top);
    }

    /// <inheritdoc />
    public void ReadImage(int index, Span<float> dest)
    {
        int plane = Size * Size;
        gray.ReadImage(index, dest[..plane]);
        var (r, g, b) = Illuminant(index);
        for (int i = 0; i < plane; i++)
        {
            float v = dest[i];
            dest[i] = (float)(v * r);
            dest[plane + i] = (float)(v * g);
            dest[2 * plane + i] = (float)(v * b);
        }
    }
}
