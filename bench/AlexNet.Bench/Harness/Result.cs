namespace AlexNet.Bench.Harness;

/// <summary>The kept runs of one case.</summary>
/// <param name="Key">Case key.</param>
/// <param name="Description">What was measured.</param>
/// <param name="Unit">Unit of the rates.</param>
/// <param name="CropsPerImage">Network crops per image.</param>
/// <param name="Rates">One rate per kept run.</param>
public sealed record Result(string Key, string Description, string Unit, int CropsPerImage, double[] Rates)
{
    /// <summary>The median rate.</summary>
    public double Median => MedianOf(Rates);
    /// <summary>The median in crops per second (images × crops per image).</summary>
    public double CropsPerSecond => Median * CropsPerImage;
    /// <summary>Slowest kept run.</summary>
    public double Min => Rates.Min();
    /// <summary>Fastest kept run.</summary>
    public double Max => Rates.Max();

    /// <summary>The median of some values (mean of the middle two for an even count).</summary>
    /// <param name="values">At least one value.</param>
    public static double MedianOf(IReadOnlyCollection<double> values)
    {
        var sorted = values.Order().ToArray();
        int m = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
    }
}
