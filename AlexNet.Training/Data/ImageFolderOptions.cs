using AlexNet.Onnx.Imaging;

namespace AlexNet.Training.Data;

/// <summary>How <see cref="ImageFolderDataset"/> reads a folder of images.</summary>
public sealed record ImageFolderOptions
{
    /// <summary>Prepared side R: shorter side to R, central R×R patch (256 in the paper).</summary>
    public required int Size { get; init; }

    /// <summary>3 for R, G, B; 1 to read the red plane (the gray value of gray images).</summary>
    public int Channels { get; init; } = 3;

    /// <summary>
    /// The class list to label with, in label order: pass the training set's <see cref="IImageDataset.ClassNames"/>
    /// when opening a validation set, so labels agree and a class the training set lacks is an error. When null
    /// the sorted sub-folder names are the classes.
    /// </summary>
    public IReadOnlyList<string>? ClassNames { get; init; }

    /// <summary>
    /// Decode every image once when opening, in parallel, so corrupt and truncated files are skipped and listed
    /// up front. When false only headers are checked (fast for a large prepared set) and an image whose data
    /// turns out corrupt fails when read, with an error naming it.
    /// </summary>
    public bool Verify { get; init; } = true;

    /// <summary>Keep prepared images in memory as bytes when the whole set fits in this many bytes (default 2 GiB).</summary>
    public long CacheBytes { get; init; } = 2L << 30;

    /// <summary>When true a 1-channel (gray) file in a 3-channel set is an error naming it, instead of being converted to R = G = B and counted.</summary>
    public bool RejectGray { get; init; }

    /// <summary>Decoding limits (pixel limit, truncation).</summary>
    public ImageDecodeOptions Decode { get; init; } = ImageDecodeOptions.Default;

    /// <summary>Threads used to scan and verify; all cores when null.</summary>
    public int? MaxDegreeOfParallelism { get; init; }
}
