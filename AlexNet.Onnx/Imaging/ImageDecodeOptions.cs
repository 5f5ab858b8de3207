namespace AlexNet.Onnx.Imaging;

/// <summary>Limits and leniency for <see cref="ImageDecoder"/>.</summary>
public sealed record ImageDecodeOptions
{
    /// <summary>
    /// Default pixel limit: 100 megapixels (400 MB as 32-bit pixels). A header that claims more is
    /// rejected before any pixel memory is allocated, so a hostile or broken file cannot exhaust memory.
    /// </summary>
    public const long DefaultMaxPixels = 100_000_000;

    /// <summary>Largest width × height accepted; raise it for genuinely huge photos.</summary>
    public long MaxPixels { get; init; } = DefaultMaxPixels;

    /// <summary>
    /// Whether a file whose data ends early still decodes (the missing rows filled by the codec), as
    /// ML.NET's <c>LoadImages</c> accepts it. Off by default: training skips such files and lists them.
    /// </summary>
    public bool AllowTruncated { get; init; }

    /// <summary>The defaults: 100 megapixels, truncated files rejected.</summary>
    public static ImageDecodeOptions Default { get; } = new();
}
