using System.Buffers.Binary;
using System.IO.Compression;

namespace AlexNet.Reliability.Tests.Hostile;

/// <summary>
/// Bad IDX files: empty, a float type code, no dimensions, a header cut short, trailing bytes, negative and
/// overflowing dimensions, a header claiming 2^31−1 images (raw and gzip), random bytes and a damaged gzip stream.
/// A wrong magic number, data cut short (raw and gzip) and a gzip stream that expands far beyond its header are
/// tests of their own in AlexNet.Training.Tests (Data/IdxFileTests), with the same checks.
/// </summary>
public static class HostileIdx
{
    /// <summary>Every case with the reason its error must give after the path: what IdxFile.Read says is wrong.</summary>
    public static IReadOnlyList<HostileFile> All()
    {
        var valid = Idx([3, 4, 4], new byte[48]);
        var gzip = Gzip(Idx([20, 28, 28], Enumerable.Range(0, 20 * 28 * 28).Select(i => (byte)(i * 7)).ToArray()));
        var corruptGzip = (byte[])gzip.Clone();
        for (int i = 20; i < 60; i++) corruptGzip[i] ^= 0x5A;
        var random = new byte[1000];
        new Random(23).NextBytes(random);
        random[0] = 0x42;
        return
        [
            new("empty-idx3-ubyte", [], "0 bytes is too short for an IDX header (4-byte magic)."),
            new("float-type-idx3-ubyte", [0, 0, 0x0D, .. valid[3..]], "IDX type code 0x0D is not supported; only 0x08 (unsigned byte) is."),
            new("no-dimensions-idx3-ubyte", [0, 0, 8, 0], "the IDX header declares 0 dimensions; at least 1 is needed."),
            new("header-cut-idx3-ubyte", valid[..9], "the file ends inside its header (9 bytes, the 3 dimensions need 16)."),
            new("trailing-bytes-idx3-ubyte", [.. valid, 1, 2, 3], "3 bytes follow the 48 values the header [3, 4, 4] promises."),
            new("negative-dimension-idx3-ubyte", Idx([3, -4, 4], new byte[48]), "dimension 1 is -4; IDX dimensions must be positive."),
            new("claims-2147483647-images-idx3-ubyte", Idx([int.MaxValue, 28, 28], new byte[784]),
                "truncated: the header [2147483647, 28, 28] promises 1,683,627,179,248 values, the file holds 784."),
            // 16 × 2^30 × 2^30 = 2^64, which wrapped to 0 in a long and matched the 0 bytes present.
            new("dimensions-overflow-idx3-ubyte", Idx([16, 1 << 30, 1 << 30], []),
                "the header's dimensions [16, 1073741824, 1073741824, …] overflow: no file holds that many values."),
            new("random-idx3-ubyte", random, $"not an IDX file: the magic number starts 0x42{random[1]:X2}, expected 0x0000."),
            new("gzip-corrupt-idx3-ubyte.gz", corruptGzip, "the gzip stream is corrupt or truncated: "),
            new("gzip-claims-2147483647-images-idx3-ubyte.gz", Gzip(Idx([int.MaxValue, 28, 28], new byte[784])),
                "the header [2147483647, 28, 28] promises 1,683,627,179,248 values, more than one array holds (2,147,483,591)."),
        ];
    }

    /// <summary>An IDX file of unsigned bytes with the given header dimensions and data, consistent or not.</summary>
    public static byte[] Idx(int[] dims, byte[] data)
    {
        var bytes = new byte[4 + 4 * dims.Length + data.Length];
        bytes[2] = 0x08;
        bytes[3] = (byte)dims.Length;
        for (int i = 0; i < dims.Length; i++) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * i), dims[i]);
        data.CopyTo(bytes, 4 + 4 * dims.Length);
        return bytes;
    }

    private static byte[] Gzip(byte[] raw)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal)) gzip.Write(raw);
        return output.ToArray();
    }
}
