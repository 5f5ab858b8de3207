namespace AlexNet.Training.Data;

/// <summary>
/// SplitMix64 (Steele, Lea, Flood 2014): a tiny, fast generator whose stream depends only on its seed, so each
/// image's augmentation can be drawn from a generator seeded by (seed, epoch, index), whatever thread runs it.
/// </summary>
public struct SplitMix64
{
    private ulong _state;

    /// <summary>Starts a stream.</summary>
    /// <param name="seed">Any 64-bit value.</param>
    public SplitMix64(ulong seed) => _state = seed;

    /// <summary>A stream for one item of one epoch, well separated from its neighbours.</summary>
    /// <param name="seed">The run's seed.</param>
    /// <param name="epoch">The epoch.</param>
    /// <param name="index">The dataset index.</param>
    public static SplitMix64 For(long seed, long epoch, long index)
    {
        var mix = new SplitMix64((ulong)seed);
        ulong a = mix.NextUInt64() ^ (ulong)epoch;
        mix = new SplitMix64(a);
        ulong b = mix.NextUInt64() ^ (ulong)index;
        return new SplitMix64(new SplitMix64(b).NextUInt64());
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [0, <paramref name="maxExclusive"/>).</summary>
    /// <param name="maxExclusive">Upper bound, at least 1.</param>
    public int NextInt(int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxExclusive, 1);
        return (int)((NextUInt64() >> 33) * (ulong)maxExclusive >> 31);
    }

    /// <summary>Shuffles <paramref name="items"/> in place (Fisher–Yates, from the last item down).</summary>
    /// <param name="items">The items.</param>
    public void Shuffle(Span<int> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>Standard normal N(0, 1), by the Box–Muller transform.</summary>
    public double NextGaussian()
    {
        double u1 = 1.0 - NextDouble(), u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
