namespace AlexNet.Onnx.Metadata;

/// <summary>The <c>metadata_props</c> keys an AlexNet model file carries. All values are strings.</summary>
public static class MetadataKeys
{
    /// <summary>Common prefix of every key; a file with none of them has no AlexNet metadata.</summary>
    public const string Prefix = "alexnet.";
    /// <summary>Integer version of this key layout (<see cref="ModelMetadata.CurrentFormatVersion"/>).</summary>
    public const string FormatVersion = Prefix + "format_version";
    /// <summary>Version of the AlexNet.Onnx library that wrote the file.</summary>
    public const string LibraryVersion = Prefix + "library_version";
    /// <summary>JSON array of class labels in output order.</summary>
    public const string Labels = Prefix + "labels";
    /// <summary>Side of the square crop the network reads.</summary>
    public const string InputSize = Prefix + "input_size";
    /// <summary>Side the image is resized and centre-cropped to before the crop is taken.</summary>
    public const string ResizeSize = Prefix + "resize_size";
    /// <summary>Zero pixels added on each side of the normalised R×R image before the crops are cut (format 2; 0 when absent).</summary>
    public const string CropPadding = Prefix + "crop_padding";
    /// <summary>Number of input channels.</summary>
    public const string InputChannels = Prefix + "input_channels";
    /// <summary>"RGB", "Gray" or "BGR".</summary>
    public const string ChannelOrder = Prefix + "channel_order";
    /// <summary>The value one 8-bit level maps to before the mean is subtracted (invariant-culture float).</summary>
    public const string PixelScale = Prefix + "pixel_scale";
    /// <summary>Shape of the mean: "C" for per-channel values, "CxRxR" for a mean image.</summary>
    public const string MeanShape = Prefix + "mean_shape";
    /// <summary>Base64 of the mean's little-endian float32 values, channel-major.</summary>
    public const string Mean = Prefix + "mean";
    /// <summary>Optional comma-separated per-channel divisors applied after the mean (foreign models such as torchvision's).</summary>
    public const string ChannelStd = Prefix + "channel_std";
    /// <summary>Preset name (paper, small).</summary>
    public const string Preset = Prefix + "preset";
    /// <summary>JSON of the <see cref="Model.AlexNetArchitecture"/> the graph was built from.</summary>
    public const string Architecture = Prefix + "architecture";
    /// <summary>JSON of the <see cref="TrainingSummary"/>.</summary>
    public const string Training = Prefix + "training";
    /// <summary>Lower-case hex SHA-256 of the initializers (<see cref="WeightsChecksum"/>); written by the exporter, checked on open when present.
    /// Not part of <see cref="ModelMetadata"/>: it describes one file's bytes, so a graph built from the model (the serving graph) does not inherit it.</summary>
    public const string WeightsSha256 = Prefix + "weights_sha256";
}
