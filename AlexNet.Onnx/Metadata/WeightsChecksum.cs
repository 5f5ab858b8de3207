using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using Onnx;

namespace AlexNet.Onnx.Metadata;

/// <summary>
/// The SHA-256 of a graph's weights that <see cref="Export.AlexNetOnnxWriter"/> stores under
/// <see cref="MetadataKeys.WeightsSha256"/> and <see cref="ModelFile.Open(string, Metadata.ModelMetadata?)"/> checks, because ONNX itself has no
/// checksum: a flipped weight byte would otherwise load and score silently.
/// </summary>
/// <remarks>
/// The digest covers the dense initializers sorted by the bytes of their UTF-8 names. Each contributes, little-endian: the UTF-8
/// name's byte length (int32) and bytes; the data type (int32); the number of dimensions (int32) and each
/// dimension (int64); then the payload's byte length (int64) and bytes — <c>raw_data</c> when set, otherwise the
/// typed field's values as they would be stored in <c>raw_data</c> (strings: each one's length as int32, then its
/// bytes). Every part is length-prefixed, so two different sets of tensors cannot produce the same byte stream.
/// Graph structure and the other metadata are not covered; they are checked for consistency when the file opens.
/// </remarks>
public static class WeightsChecksum
{
    /// <summary>Lower-case hex SHA-256 of the graph's initializers, as described on the class.</summary>
    /// <param name="graph">The graph whose weights are hashed.</param>
    public static string Compute(GraphProto graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> scratch = stackalloc byte[8];
        var tensors = graph.Initializer.Select(t => (Name: Encoding.UTF8.GetBytes(t.Name), Tensor: t)).ToArray();
        // Sorted so that a tool reordering the initializers keeps the digest; the name is hashed, so swapping two does not.
        Array.Sort(tensors, (a, b) => a.Name.AsSpan().SequenceCompareTo(b.Name));
        foreach (var (name, t) in tensors)
        {
            AppendInt32(sha, scratch, name.Length);
            sha.AppendData(name);
            AppendInt32(sha, scratch, t.DataType);
            AppendInt32(sha, scratch, t.Dims.Count);
            foreach (var d in t.Dims) AppendInt64(sha, scratch, d);
            AppendPayload(sha, scratch, t);
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    // A model without the key (written before it existed, or by another tool such as PyTorch) passes unchecked.
    internal static void Verify(ModelProto model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        string? stored = null;
        foreach (var p in model.MetadataProps)
            if (p.Key == MetadataKeys.WeightsSha256) stored = p.Value;
        if (stored is null || model.Graph is null) return;
        var actual = Compute(model.Graph);
        if (!string.Equals(stored, actual, StringComparison.OrdinalIgnoreCase))
            throw new ModelFileException(path,
                $"the weights do not match their checksum ('{MetadataKeys.WeightsSha256}' is {Short(stored)}, the weights hash to {Short(actual)}): " +
                "the file is damaged or was edited after it was written. Export or copy it again.");
    }

    private static string Short(string hex) => hex.Length > 16 ? hex[..16] + "…" : hex;

    private static void AppendPayload(IncrementalHash sha, Span<byte> scratch, TensorProto t)
    {
        if (!t.RawData.IsEmpty)
        {
            AppendInt64(sha, scratch, t.RawData.Length);
            sha.AppendData(t.RawData.Span);
            return;
        }
        // Typed fields: hashed as the little-endian bytes raw_data would hold, so the two storages of one tensor agree.
        if (t.FloatData.Count > 0)
        {
            AppendInt64(sha, scratch, 4L * t.FloatData.Count);
            foreach (var v in t.FloatData) { BinaryPrimitives.WriteSingleLittleEndian(scratch, v); sha.AppendData(scratch[..4]); }
        }
        else if (t.Int32Data.Count > 0)
        {
            AppendInt64(sha, scratch, 4L * t.Int32Data.Count);
            foreach (var v in t.Int32Data) AppendInt32(sha, scratch, v);
        }
        else if (t.Int64Data.Count > 0)
        {
            AppendInt64(sha, scratch, 8L * t.Int64Data.Count);
            foreach (var v in t.Int64Data) AppendInt64(sha, scratch, v);
        }
        else if (t.DoubleData.Count > 0)
        {
            AppendInt64(sha, scratch, 8L * t.DoubleData.Count);
            foreach (var v in t.DoubleData) { BinaryPrimitives.WriteDoubleLittleEndian(scratch, v); sha.AppendData(scratch); }
        }
        else if (t.Uint64Data.Count > 0)
        {
            AppendInt64(sha, scratch, 8L * t.Uint64Data.Count);
            foreach (var v in t.Uint64Data) { BinaryPrimitives.WriteUInt64LittleEndian(scratch, v); sha.AppendData(scratch); }
        }
        else if (t.StringData.Count > 0)
        {
            AppendInt64(sha, scratch, t.StringData.Sum(s => 4L + s.Length));
            foreach (var s in t.StringData) { AppendInt32(sha, scratch, s.Length); sha.AppendData(s.Span); }
        }
        else AppendInt64(sha, scratch, 0);
    }

    private static void AppendInt32(IncrementalHash sha, Span<byte> scratch, int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(scratch, value);
        sha.AppendData(scratch[..4]);
    }

    private static void AppendInt64(IncrementalHash sha, Span<byte> scratch, long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(scratch, value);
        sha.AppendData(scratch);
    }
}
