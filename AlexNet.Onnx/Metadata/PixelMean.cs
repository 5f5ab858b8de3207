using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;

namespace AlexNet.Onnx.Metadata;

/// <summary>
/// The mean subtracted from every pixel, in the scaled pixel units (after <see cref="ModelMetadata.PixelScale"/>):
/// either the paper's full per-pixel mean image over the training set at the resize size (section 2), or one
/// value per channel as most later ports use.
/// </summary>
public sealed class PixelMean
{
    /// <summary>Number of channels.</summary>
    public int Channels { get; }

    /// <summary>Side of the square mean image, or 0 for per-channel values.</summary>
    public int Side { get; }

    /// <summary>Values, channel-major (C×Side×Side for an image, C for per-channel values).</summary>
    public IReadOnlyList<float> Values => _values;

    private readonly float[] _values;

    private PixelMean(int channels, int side, float[] values)
    {
        if (channels <= 0) throw new ArgumentOutOfRangeException(nameof(channels), channels, "A mean needs at least one channel.");
        if (side < 0) throw new ArgumentOutOfRangeException(nameof(side), side, "The mean image side cannot be negative.");
        long expected = side == 0 ? channels : (long)channels * side * side;
        if (values.LongLength != expected)
            throw new ArgumentException($"A mean of shape {ShapeText(channels, side)} needs {expected} values, got {values.LongLength}.", nameof(values));
        Channels = channels;
        Side = side;
        _values = values;
    }

    /// <summary>True when this is a per-pixel mean image rather than per-channel values.</summary>
    public bool IsImage => Side > 0;

    /// <summary>One mean value per channel.</summary>
    /// <param name="values">The values, e.g. 123.68, 116.78, 103.94 for ImageNet RGB at 0–255.</param>
    public static PixelMean PerChannel(params float[] values) => new(values.Length, 0, (float[])values.Clone());

    /// <summary>A per-pixel mean image.</summary>
    /// <param name="channels">Channels.</param>
    /// <param name="side">Side of the square image (the resize size).</param>
    /// <param name="values">C×side×side values, channel-major.</param>
    public static PixelMean Image(int channels, int side, float[] values)
    {
        if (side <= 0) throw new ArgumentOutOfRangeException(nameof(side), side, "A mean image needs a positive side.");
        return new(channels, side, (float[])values.Clone());
    }

    /// <summary>A zero mean (nothing subtracted).</summary>
    /// <param name="channels">Channels.</param>
    public static PixelMean Zero(int channels) => new(channels, 0, new float[channels]);

    /// <summary>The mean at a pixel of the resized image; per-channel values ignore the position.</summary>
    /// <param name="channel">Channel index.</param>
    /// <param name="y">Row in the resized image.</param>
    /// <param name="x">Column in the resized image.</param>
    public float At(int channel, int y, int x) =>
        IsImage ? _values[((long)channel * Side + y) * Side + x] : _values[channel];

    /// <summary>The average of each channel (the mean image averaged over positions, or the values themselves).</summary>
    public float[] ChannelAverages()
    {
        if (!IsImage) return (float[])_values.Clone();
        var result = new float[Channels];
        int plane = Side * Side;
        for (int c = 0; c < Channels; c++)
        {
            double sum = 0;
            for (int i = 0; i < plane; i++) sum += _values[c * plane + i];
            result[c] = (float)(sum / plane);
        }
        return result;
    }

    /// <summary>The shape as written to metadata: "3" or "3x256x256".</summary>
    public string ShapeText() => ShapeText(Channels, Side);

    private static string ShapeText(int channels, int side) =>
        side == 0 ? channels.ToString(CultureInfo.InvariantCulture) : FormattableString.Invariant($"{channels}x{side}x{side}");

    /// <summary>The values as base64 of little-endian float32.</summary>
    public string ToBase64()
    {
        var bytes = new byte[_values.Length * sizeof(float)];
        if (BitConverter.IsLittleEndian) MemoryMarshal.AsBytes(_values.AsSpan()).CopyTo(bytes);
        else for (int i = 0; i < _values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), _values[i]);
        return Convert.ToBase64String(bytes);
    }

    /// <summary>Reads a mean written by <see cref="ShapeText()"/> and <see cref="ToBase64"/>.</summary>
    /// <param name="shape">"C" or "CxRxR".</param>
    /// <param name="base64">Base64 of little-endian float32 values.</param>
    /// <exception cref="FormatException">The shape or the data is malformed or their sizes disagree.</exception>
    public static PixelMean Parse(string shape, string base64)
    {
        var parts = shape.Split('x');
        if (!parts.All(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            || !(parts.Length == 1 || (parts.Length == 3 && parts[1] == parts[2])))
            throw new FormatException($"Mean shape '{shape}' is neither 'C' nor 'CxRxR'.");
        int channels = int.Parse(parts[0], CultureInfo.InvariantCulture);
        int side = parts.Length == 3 ? int.Parse(parts[1], CultureInfo.InvariantCulture) : 0;
        byte[] bytes = Convert.FromBase64String(base64);
        long expected = (side == 0 ? channels : (long)channels * side * side) * sizeof(float);
        if (bytes.LongLength != expected)
            throw new FormatException($"Mean data holds {bytes.LongLength} bytes, shape {shape} needs {expected}.");
        var values = new float[bytes.Length / sizeof(float)];
        for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * 4));
        return new PixelMean(channels, side, values);
    }
}
