using System.Buffers.Binary;
using System.IO.Compression;

namespace AlexNet.Reliability.Tests.Hostile;

/// <summary>
/// Bad IDX files: wrong magic and type code, no dimensions, a header or data cut short, trailing bytes, negative
/// and overflowing dimensions, a header claiming 2^31−1 images (raw and gzip), random bytes, damaged gzip streams,
/// and a gzip stream that expands far beyond what its header promises.
/// </summary>
public static class HostileIdx
{
    /// <summary>Every case with the fragment its error must contain.</summary>
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
            new("empty-idx3-ubyte", [], "too short for an IDX header"),
            new("wrong-magic-idx3-ubyte", [.. "\x01\x02"u8, .. valid[2..]], "not an IDX file"),
            new("float-type-idx3-ubyte", [0, 0, 0x0D, .. valid[3..]], "type code 0x0D is not supported"),
            new("no-dimensions-idx3-ubyte", [0, 0, 8, 0], "declares 0 dimensions"),
            new("header-cut-idx3-ubyte", valid[..9], "ends inside its header"),
            new("data-cut-idx3-ubyte", valid[..^1], "truncated"),
            new("trailing-bytes-idx3-ubyte", [.. valid, 1, 2, 3], "3 bytes follow"),
            new("negative-dimension-idx3-ubyte", Idx([3, -4, 4], new byte[48]), "must be positive"),
            new("claims-2147483647-images-idx3-ubyte", Idx([int.MaxValue, 28, 28], new byte[784]), "truncated"),
            new("dimensions-overflow-idx3-ubyte", Idx([16, 1 << 30, 1 << 30], []), "overflow"),
            new("random-idx3-ubyte", random, "not an IDX file"),
            new("gzip-cut-idx3-ubyte.gz", gzip[..(gzip.Length / 2)], "truncated"),
            new("gzip-corrupt-idx3-ubyte.gz", corruptGzip, "gzip stream"),
            new("gzip-claims-2147483647-images-idx3-ubyte.gz", Gzip(Idx([int.MaxValue, 28, 28], new byte[784])), "more than one array holds"),
            new("gzip-trailing-zeros-idx3-ubyte.gz", Gzip([.. valid, .. new byte[4 << 20]]), "at least 65,536 bytes follow"),
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
