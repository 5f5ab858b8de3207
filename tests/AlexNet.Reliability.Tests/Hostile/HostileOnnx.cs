using AlexNet.Onnx.Metadata;
using Google.Protobuf;
using Onnx;

namespace AlexNet.Reliability.Tests.Hostile;

/// <summary>
/// Bad model files made from a good one: not ONNX at all (random bytes, a PNG), truncated at two points, single bytes
/// flipped at seeded random offsets, edited metadata, and a protobuf field claiming 2 GB. An empty file, text, a file
/// cut in half and one without metadata are tests of their own in AlexNet.Onnx.Tests (ModelFileTests), with the same checks.
/// </summary>
public static class HostileOnnx
{
    /// <summary>Cases whose error is certain, with the reason it must give after the path: what ModelFile.Open says is wrong.</summary>
    public static IReadOnlyList<HostileFile> Broken(byte[] good)
    {
        var random = new byte[4096];
        new Random(29).NextBytes(random);
        const string notOnnx = "the file is not an ONNX model (protobuf parse failed: ";
        static string Truncated(int bytes) => $"the model file is truncated ({bytes} bytes; the protobuf data ends in the middle of a field).";
        return
        [
            new("random.onnx", random, notOnnx),
            new("png.onnx", HostileImages.Encode(SkiaSharp.SKEncodedImageFormat.Png), notOnnx),
            new("cut-at-1-percent.onnx", good[..(good.Length / 100)], Truncated(good.Length / 100)),
            new("last-byte-missing.onnx", good[..^1], Truncated(good.Length - 1)),
            new("tensor-claims-2-GB.onnx", ClaimsTwoGigabytes, Truncated(ClaimsTwoGigabytes.Length)),
            // The test model is a 4-class `small` network of 3 × 28² crops.
            new("labels-do-not-match.onnx", WithMetadata(good, MetadataKeys.Labels, "[\"a\",\"b\",\"c\"]"),
                "the architecture (3×28², 4 classes) disagrees with the metadata (3×28², 3 labels)."),
            new("input-size-not-a-number.onnx", WithMetadata(good, MetadataKeys.InputSize, "twenty-eight"), "metadata 'alexnet.input_size' is malformed: "),
            new("input-size-wrong.onnx", WithMetadata(good, MetadataKeys.InputSize, "27"),
                "the architecture (3×28², 4 classes) disagrees with the metadata (3×27², 4 labels)."),
            new("mean-not-base64.onnx", WithMetadata(good, MetadataKeys.Mean, "%%%not base64%%%"), "metadata 'alexnet.mean' is malformed: "),
            // The mean image is 3 × 32 × 32 floats.
            new("mean-shape-wrong.onnx", WithMetadata(good, MetadataKeys.MeanShape, "3x7x7"),
                "metadata 'alexnet.mean' is malformed: Mean data holds 12288 bytes, shape 3x7x7 needs 588."),
            new("future-format.onnx", WithMetadata(good, MetadataKeys.FormatVersion, "99"), "metadata format 99 is newer than this library reads (2); update AlexNet.Onnx."),
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
}
