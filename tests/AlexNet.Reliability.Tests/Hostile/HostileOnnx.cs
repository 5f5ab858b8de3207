using AlexNet.Onnx.Metadata;
using Google.Protobuf;
using Onnx;

namespace AlexNet.Reliability.Tests.Hostile;

/// <summary>
/// Bad model files made from a good one: not ONNX at all (empty, random bytes, text, a PNG), truncated at several
/// points, single bytes flipped at seeded random offsets, edited metadata, and a protobuf field claiming 2 GB.
/// </summary>
public static class HostileOnnx
{
    /// <summary>Cases whose error is certain, with the message fragment.</summary>
    public static IReadOnlyList<HostileFile> Broken(byte[] good)
    {
        var random = new byte[4096];
        new Random(29).NextBytes(random);
        return
        [
            new("empty.onnx", [], "the model file is empty (0 bytes)"),
            new("random.onnx", random, "ONNX"),
            new("text.onnx", "ir_version: 8\nthis is not a model\n"u8.ToArray(), "ONNX"),
            new("png.onnx", HostileImages.Encode(SkiaSharp.SKEncodedImageFormat.Png), "ONNX"),
            new("cut-at-1-percent.onnx", good[..(good.Length / 100)], "truncated"),
            new("cut-at-half.onnx", good[..(good.Length / 2)], "truncated"),
            new("last-byte-missing.onnx", good[..^1], "truncated"),
            new("tensor-claims-2-GB.onnx", ClaimsTwoGigabytes, "truncated"),
            new("labels-do-not-match.onnx", WithMetadata(good, MetadataKeys.Labels, "[\"a\",\"b\",\"c\"]"), "3 labels"),
            new("input-size-not-a-number.onnx", WithMetadata(good, MetadataKeys.InputSize, "twenty-eight"), MetadataKeys.InputSize),
            new("input-size-wrong.onnx", WithMetadata(good, MetadataKeys.InputSize, "27"), "27"),
            new("mean-not-base64.onnx", WithMetadata(good, MetadataKeys.Mean, "%%%not base64%%%"), MetadataKeys.Mean),
            new("mean-shape-wrong.onnx", WithMetadata(good, MetadataKeys.MeanShape, "3x7x7"), "mean"),
            new("future-format.onnx", WithMetadata(good, MetadataKeys.FormatVersion, "99"), "99"),
            new("no-metadata.onnx", WithoutMetadata(good), "metadata"),
        ];
    }

    /// <summary>The good file with one byte inverted at each of <paramref name="count"/> seeded random offsets, one file each.</summary>
    public static IEnumerable<HostileFile> Flipped(byte[] good, int count, int seed)
    {
        var random = new Random(seed);
        for (int i = 0; i < count; i++)
        {
            int offset = random.Next(good.Length);
            var bytes = (byte[])good.Clone();
            bytes[offset] ^= 0xFF;
            yield return new HostileFile($"flipped-at-{offset}.onnx", bytes, null);
        }
    }

    /// <summary>
    /// ir_version 8, then graph (field 7) → initializer (field 5) → raw_data (field 9), each length claiming about
    /// 2 GB, followed by 16 bytes: a parser that allocates what a length claims would ask for 2 GB.
    /// </summary>
    public static byte[] ClaimsTwoGigabytes =>
        [0x08, 0x08, 0x3A, 0xFA, 0xFF, 0xFF, 0xFF, 0x07, 0x2A, 0xF5, 0xFF, 0xFF, 0xFF, 0x07, 0x4A, 0xF0, 0xFF, 0xFF, 0xFF, 0x07, .. new byte[16]];

    private static byte[] WithMetadata(byte[] good, string key, string value)
    {
        var model = ModelProto.Parser.ParseFrom(good);
        model.MetadataProps.Single(p => p.Key == key).Value = value;
        return model.ToByteArray();
    }

    private static byte[] WithoutMetadata(byte[] good)
    {
        var model = ModelProto.Parser.ParseFrom(good);
        model.MetadataProps.Clear();
        return model.ToByteArray();
    }
}
