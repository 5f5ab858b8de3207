using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using AlexNet.Onnx.Model;
using Onnx;

namespace AlexNet.Onnx.Metadata;

/// <summary>
/// Everything a model file says about itself: labels, how to preprocess an image for it, what network it
/// is and how it was trained. Stored in the ONNX <c>metadata_props</c> under <see cref="MetadataKeys"/>, so
/// a model needs no side files. Preprocessing: resize to <see cref="ResizeSize"/>, multiply each 8-bit
/// level by <see cref="PixelScale"/>, subtract <see cref="Mean"/>, divide by <see cref="ChannelStd"/> when
/// present, add <see cref="CropPadding"/> zeros on each side, then crop <see cref="InputSize"/>. Mean and std
/// follow the model's <see cref="ChannelOrder"/>.
/// </summary>
public sealed record ModelMetadata
{
    /// <summary>The key layout this library writes and the newest it reads (2 added <see cref="CropPadding"/>).</summary>
    public const int CurrentFormatVersion = 2;

    /// <summary>Class labels in output order. May be empty only in settings passed for a foreign model (labels become "0", "1", …).</summary>
    public required IReadOnlyList<string> Labels { get; init; }
    /// <summary>Side of the square crop the network reads (227 for the paper).</summary>
    public required int InputSize { get; init; }
    /// <summary>Side the image is resized and centre-cropped to before cropping (256 for the paper).</summary>
    public required int ResizeSize { get; init; }
    /// <summary>Zero pixels added on each side of the normalised image before cropping (0 for both presets; 2 in the 94 % Fashion-MNIST recipe, recipes/fashion-mnist-94.json).</summary>
    public int CropPadding { get; init; }
    /// <summary>Side the crops are cut from: <see cref="ResizeSize"/> + 2 × <see cref="CropPadding"/>.</summary>
    public int PaddedSize => ResizeSize + 2 * CropPadding;
    /// <summary>Input channels (3 or 1).</summary>
    public required int InputChannels { get; init; }
    /// <summary>Order of the channel planes.</summary>
    public ChannelOrder ChannelOrder { get; init; } = ChannelOrder.Rgb;
    /// <summary>The value one 8-bit level maps to before the mean is subtracted: 1 for the paper's raw 0–255 pixels, 1/255 for 0–1.</summary>
    public float PixelScale { get; init; } = 1f;
    /// <summary>Mean subtracted after scaling: a mean image at <see cref="ResizeSize"/> (the paper) or per-channel values.</summary>
    public required PixelMean Mean { get; init; }
    /// <summary>Optional per-channel divisors applied after the mean (torchvision-style models); null for the paper's models.</summary>
    public IReadOnlyList<float>? ChannelStd { get; init; }
    /// <summary>Preset name, or null for a foreign model.</summary>
    public string? Preset { get; init; }
    /// <summary>The architecture the graph was built from, or null for a foreign model.</summary>
    public AlexNetArchitecture? Architecture { get; init; }
    /// <summary>Training summary, or null when unknown.</summary>
    public TrainingSummary? Training { get; init; }
    /// <summary>Version of the library that wrote the file.</summary>
    public string LibraryVersion { get; init; } = CurrentLibraryVersion;
    /// <summary>Key layout version of the file.</summary>
    public int FormatVersion { get; init; } = CurrentFormatVersion;

    /// <summary>Version of this AlexNet.Onnx library (informational version without the source revision).</summary>
    public static string CurrentLibraryVersion { get; } =
        (typeof(ModelMetadata).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
         ?? typeof(ModelMetadata).Assembly.GetName().Version?.ToString() ?? "0").Split('+')[0];

    private static readonly JsonSerializerOptions Json = new()
    {
        Converters = { new JsonStringEnumConverter() },
        IgnoreReadOnlyProperties = true,
    };

    /// <summary>Metadata for a model of the given architecture: sizes, channels and preset come from it.</summary>
    /// <param name="architecture">The network.</param>
    /// <param name="labels">Class labels, one per output.</param>
    /// <param name="mean">Mean in scaled pixel units.</param>
    /// <param name="pixelScale">The value one 8-bit level maps to.</param>
    /// <param name="training">Training summary, if any.</param>
    public static ModelMetadata ForArchitecture(AlexNetArchitecture architecture, IReadOnlyList<string> labels, PixelMean mean,
        float pixelScale = 1f, TrainingSummary? training = null) => new()
    {
        Labels = labels,
        InputSize = architecture.InputSize,
        ResizeSize = architecture.ResizeSize,
        CropPadding = architecture.CropPadding,
        InputChannels = architecture.InputChannels,
        ChannelOrder = architecture.InputChannels == 1 ? ChannelOrder.Gray : ChannelOrder.Rgb,
        PixelScale = pixelScale,
        Mean = mean,
        Preset = architecture.Preset,
        Architecture = architecture,
        Training = training,
    };

    /// <summary>The <c>metadata_props</c> entries, in a fixed order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> ToProperties()
    {
        var props = new List<KeyValuePair<string, string>>
        {
            new(MetadataKeys.FormatVersion, FormatVersion.ToString(CultureInfo.InvariantCulture)),
            new(MetadataKeys.LibraryVersion, LibraryVersion),
            new(MetadataKeys.InputSize, InputSize.ToString(CultureInfo.InvariantCulture)),
            new(MetadataKeys.ResizeSize, ResizeSize.ToString(CultureInfo.InvariantCulture)),
            new(MetadataKeys.CropPadding, CropPadding.ToString(CultureInfo.InvariantCulture)),
            new(MetadataKeys.InputChannels, InputChannels.ToString(CultureInfo.InvariantCulture)),
            new(MetadataKeys.ChannelOrder, ChannelOrderText(ChannelOrder)),
            new(MetadataKeys.PixelScale, PixelScale.ToString("R", CultureInfo.InvariantCulture)),
            new(MetadataKeys.Labels, JsonSerializer.Serialize(Labels, Json)),
        };
        if (ChannelStd is not null)
            props.Add(new(MetadataKeys.ChannelStd, string.Join(",", ChannelStd.Select(s => s.ToString("R", CultureInfo.InvariantCulture)))));
        if (Preset is not null) props.Add(new(MetadataKeys.Preset, Preset));
        if (Architecture is not null) props.Add(new(MetadataKeys.Architecture, JsonSerializer.Serialize(Architecture, Json)));
        if (Training is not null) props.Add(new(MetadataKeys.Training, JsonSerializer.Serialize(Training, Json)));
        // The mean goes last: it is the largest entry, so a file cut short loses it first and reads as incomplete.
        props.Add(new(MetadataKeys.MeanShape, Mean.ShapeText()));
        props.Add(new(MetadataKeys.Mean, Mean.ToBase64()));
        return props;
    }

    /// <summary>Whether any AlexNet key is present.</summary>
    /// <param name="properties">The file's <c>metadata_props</c>.</param>
    public static bool IsPresent(IReadOnlyDictionary<string, string> properties) =>
        properties.Keys.Any(k => k.StartsWith(MetadataKeys.Prefix, StringComparison.Ordinal));

    /// <summary>Reads metadata from <c>metadata_props</c> entries.</summary>
    /// <param name="properties">Key/value pairs.</param>
    /// <param name="source">Where they came from (a file path), for error messages.</param>
    /// <exception cref="InvalidDataException">A key is missing or malformed; the message names the source and the key.</exception>
    public static ModelMetadata FromProperties(IReadOnlyDictionary<string, string> properties, string source)
    {
        string Required(string key) => properties.TryGetValue(key, out var v) ? v
            : throw new InvalidDataException($"{source}: AlexNet metadata is incomplete, '{key}' is missing (the file may be truncated).");
        string? Optional(string key) => properties.TryGetValue(key, out var v) ? v : null;
        T Parse<T>(string key, Func<string, T> parse)
        {
            var text = Required(key);
            try { return parse(text); }
            catch (Exception e) when (e is FormatException or JsonException or OverflowException or ArgumentException)
            {
                throw new InvalidDataException($"{source}: metadata '{key}' is malformed: {e.Message}", e);
            }
        }
        T? ParseOptional<T>(string key, Func<string, T> parse) where T : class =>
            Optional(key) is null ? null : Parse(key, parse);
        static int ParseInt(string s) => int.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture);
        static float ParseFloat(string s) => float.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);

        int format = Parse(MetadataKeys.FormatVersion, ParseInt);
        if (format > CurrentFormatVersion)
            throw new InvalidDataException($"{source}: metadata format {format} is newer than this library reads ({CurrentFormatVersion}); update AlexNet.Onnx.");

        var metadata = new ModelMetadata
        {
            FormatVersion = format,
            LibraryVersion = Required(MetadataKeys.LibraryVersion),
            InputSize = Parse(MetadataKeys.InputSize, ParseInt),
            ResizeSize = Parse(MetadataKeys.ResizeSize, ParseInt),
            CropPadding = Optional(MetadataKeys.CropPadding) is null ? 0 : Parse(MetadataKeys.CropPadding, ParseInt),
            InputChannels = Parse(MetadataKeys.InputChannels, ParseInt),
            ChannelOrder = Parse(MetadataKeys.ChannelOrder, ParseChannelOrder),
            PixelScale = Parse(MetadataKeys.PixelScale, ParseFloat),
            Labels = Parse(MetadataKeys.Labels, s => JsonSerializer.Deserialize<string[]>(s, Json) ?? throw new FormatException("null label list")),
            ChannelStd = ParseOptional(MetadataKeys.ChannelStd, s => s.Split(',').Select(ParseFloat).ToArray()),
            Preset = Optional(MetadataKeys.Preset),
            Architecture = ParseOptional(MetadataKeys.Architecture, s => JsonSerializer.Deserialize<AlexNetArchitecture>(s, Json)!),
            Training = ParseOptional(MetadataKeys.Training, s => JsonSerializer.Deserialize<TrainingSummary>(s, Json)!),
            Mean = Parse(MetadataKeys.Mean, s => PixelMean.Parse(Required(MetadataKeys.MeanShape), s)),
        };
        metadata.Validate(source);
        return metadata;
    }

    /// <summary>Reads the metadata of a parsed model.</summary>
    /// <param name="model">The model.</param>
    /// <param name="source">Where it came from, for error messages.</param>
    /// <exception cref="InvalidDataException">The model has no AlexNet metadata, or it is incomplete or malformed.</exception>
    public static ModelMetadata FromModel(ModelProto model, string source)
    {
        var props = Properties(model);
        if (!IsPresent(props))
            throw new InvalidDataException($"{source}: the model has no AlexNet metadata (no '{MetadataKeys.Prefix}*' entries in metadata_props); pass explicit preprocessing settings for a foreign model.");
        return FromProperties(props, source);
    }

    /// <summary>Reads the metadata of a model file.</summary>
    /// <param name="path">Path of the .onnx file.</param>
    /// <exception cref="ModelFileException">The file is missing or unreadable, its weights fail their checksum, or it lacks valid AlexNet metadata.</exception>
    public static ModelMetadata Read(string path)
    {
        var model = ModelFile.Parse(path);
        try { return FromModel(model, path); }
        catch (InvalidDataException e) { throw new ModelFileException(path, e.Message, e); }
    }

    /// <summary>Checks the values agree with each other (channels, mean, labels, sizes).</summary>
    /// <param name="source">Where the metadata came from, for error messages.</param>
    /// <exception cref="InvalidDataException">Names the source and the inconsistency.</exception>
    public void Validate(string source)
    {
        if (CropPadding < 0)
            throw new InvalidDataException($"{source}: crop padding must be 0 or more, got {CropPadding}.");
        if (InputSize <= 0 || ResizeSize <= 0 || PaddedSize < InputSize)
            throw new InvalidDataException(CropPadding == 0
                ? $"{source}: input size {InputSize} and resize size {ResizeSize} must satisfy 0 < input ≤ resize."
                : $"{source}: input size {InputSize}, resize size {ResizeSize} and crop padding {CropPadding} must satisfy 0 < input ≤ resize + 2 × padding.");
        if (InputChannels <= 0)
            throw new InvalidDataException($"{source}: input channels must be positive, got {InputChannels}.");
        int orderChannels = ChannelOrder == ChannelOrder.Gray ? 1 : 3;
        if (orderChannels != InputChannels)
            throw new InvalidDataException($"{source}: channel order {ChannelOrderText(ChannelOrder)} has {orderChannels} channel(s), the model reads {InputChannels}.");
        if (Mean.Channels != InputChannels)
            throw new InvalidDataException($"{source}: the mean has {Mean.Channels} channel(s), the model reads {InputChannels}.");
        if (Mean.IsImage && Mean.Side != ResizeSize)
            throw new InvalidDataException($"{source}: the mean image is {Mean.Side}×{Mean.Side}, it must match the resize size {ResizeSize}.");
        if (ChannelStd is not null && (ChannelStd.Count != InputChannels || ChannelStd.Any(s => !(s > 0))))
            throw new InvalidDataException($"{source}: channel std needs {InputChannels} positive values, got [{string.Join(", ", ChannelStd)}].");
        if (!(PixelScale > 0))
            throw new InvalidDataException($"{source}: pixel scale must be positive, got {PixelScale}.");
        if (Architecture is not null && (Architecture.InputSize != InputSize || Architecture.InputChannels != InputChannels
                                         || Architecture.NumClasses != Labels.Count))
            throw new InvalidDataException($"{source}: the architecture ({Architecture.InputChannels}×{Architecture.InputSize}², {Architecture.NumClasses} classes) disagrees with the metadata ({InputChannels}×{InputSize}², {Labels.Count} labels).");
        if (Architecture is not null && Architecture.CropPadding != CropPadding)
            throw new InvalidDataException($"{source}: the architecture's crop padding {Architecture.CropPadding} disagrees with the metadata's {CropPadding}.");
    }

    internal static IReadOnlyDictionary<string, string> Properties(ModelProto model)
    {
        var dict = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in model.MetadataProps) dict[p.Key] = p.Value;
        return dict;
    }

    private static string ChannelOrderText(ChannelOrder order) => order switch
    {
        ChannelOrder.Rgb => "RGB",
        ChannelOrder.Gray => "Gray",
        ChannelOrder.Bgr => "BGR",
        _ => throw new ArgumentOutOfRangeException(nameof(order), order, "Unknown channel order."),
    };

    private static ChannelOrder ParseChannelOrder(string text) => text switch
    {
        "RGB" => ChannelOrder.Rgb,
        "Gray" => ChannelOrder.Gray,
        "BGR" => ChannelOrder.Bgr,
        _ => throw new FormatException($"'{text}' is not RGB, Gray or BGR."),
    };
}
