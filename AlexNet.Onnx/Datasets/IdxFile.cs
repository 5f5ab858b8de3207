using System.Buffers.Binary;
using System.IO.Compression;

namespace AlexNet.Onnx.Datasets;

/// <summary>
/// Reads IDX files (the format of MNIST and Fashion-MNIST), gzip-compressed or raw (told apart by the gzip
/// magic bytes, not the name). Header: two zero bytes, a type code (0x08 = unsigned byte, the only type these
/// datasets use), the number of dimensions, then each dimension as a big-endian int32.
/// </summary>
public static class IdxFile
{
    private const byte UnsignedByte = 0x08;

    // Gzip data is read into an array this size first, doubled as more arrives up to the promised size.
    private const int FirstBlock = 16 * 1024;
    // At most this many bytes after the promised values are decompressed to count them for the message.
    private const int TrailingCounted = 64 * 1024;

    /// <summary>Reads and checks an IDX file of unsigned bytes.</summary>
    /// <param name="path">A .idx / -ubyte file, optionally gzip-compressed.</param>
    /// <remarks>The header is read and checked first, then at most the promised number of values: memory stays
    /// bounded by what the header promises and the file really holds, however much a gzip stream would expand to.</remarks>
    /// <exception cref="InvalidDataException">Wrong magic, unsupported type, bad dimensions, or a length that
    /// disagrees with the header; the message names the file.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static IdxArray Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: IDX file not found.", path);
        using var file = File.OpenRead(path);
        Span<byte> magic = stackalloc byte[2];
        bool gzip = file.ReadAtLeast(magic, 2, throwOnEndOfStream: false) == 2 && magic[0] == 0x1F && magic[1] == 0x8B;
        file.Position = 0;
        if (!gzip) return Read(path, file, file.Length);
        try
        {
            using var decompressed = new GZipStream(file, CompressionMode.Decompress);
            return Read(path, decompressed, length: null);
        }
        catch (InvalidDataException e) when (e.Message is var m && !m.StartsWith(path + ":", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{path}: the gzip stream is corrupt or truncated: {m}", e);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"{path}: the gzip stream is truncated: {e.Message}", e);
        }
    }

    /// <param name="path">For messages.</param>
    /// <param name="stream">The IDX bytes from the start.</param>
    /// <param name="length">The stream's length when known (a plain file), null for a decompressing stream.</param>
    private static IdxArray Read(string path, Stream stream, long? length)
    {
        Span<byte> head = stackalloc byte[4];
        int got = stream.ReadAtLeast(head, 4, throwOnEndOfStream: false);
        if (got < 4)
            throw new InvalidDataException($"{path}: {got} bytes is too short for an IDX header (4-byte magic).");
        if (head[0] != 0 || head[1] != 0)
            throw new InvalidDataException($"{path}: not an IDX file: the magic number starts 0x{head[0]:X2}{head[1]:X2}, expected 0x0000.");
        if (head[2] != UnsignedByte)
            throw new InvalidDataException($"{path}: IDX type code 0x{head[2]:X2} is not supported; only 0x08 (unsigned byte) is.");
        int rank = head[3];
        if (rank < 1)
            throw new InvalidDataException($"{path}: the IDX header declares {rank} dimensions; at least 1 is needed.");
        int headerLength = 4 + 4 * rank;
        Span<byte> dimBytes = stackalloc byte[4 * rank];
        got = stream.ReadAtLeast(dimBytes, dimBytes.Length, throwOnEndOfStream: false);
        if (got < dimBytes.Length)
            throw new InvalidDataException($"{path}: the file ends inside its header ({4 + got} bytes, the {rank} dimensions need {headerLength}).");

        var dims = new int[rank];
        long expected = 1;
        for (int i = 0; i < rank; i++)
        {
            dims[i] = BinaryPrimitives.ReadInt32BigEndian(dimBytes[(4 * i)..]);
            if (dims[i] <= 0)
                throw new InvalidDataException($"{path}: dimension {i} is {dims[i]}; IDX dimensions must be positive.");
            // A crafted header can multiply past 2^63 and wrap to the file's real length; no real file comes close.
            if (expected > long.MaxValue / dims[i])
                throw new InvalidDataException($"{path}: the header's dimensions [{string.Join(", ", dims[..(i + 1)])}, …] overflow: no file holds that many values.");
            expected *= dims[i];
        }

        string Truncated(long held) => $"{path}: truncated: the header [{string.Join(", ", dims)}] promises {expected:N0} values, the file holds {held:N0}.";
        string Trailing(string count) => $"{path}: {count} bytes follow the {expected:N0} values the header [{string.Join(", ", dims)}] promises.";

        if (length is long total)
        {
            // A plain file's length is known: check it before allocating anything the header asks for.
            long actual = total - headerLength;
            if (actual < expected) throw new InvalidDataException(Truncated(actual));
            if (actual > expected) throw new InvalidDataException(Trailing($"{actual - expected:N0}"));
        }
        if (expected > Array.MaxLength)
            throw new InvalidDataException($"{path}: the header [{string.Join(", ", dims)}] promises {expected:N0} values, more than one array holds ({Array.MaxLength:N0}).");

        if (length is not null)
        {
            var exact = new byte[expected];
            stream.ReadExactly(exact);
            return new IdxArray(dims, exact);
        }
        var data = ReadUpTo(stream, (int)expected);
        if (data.Length < expected) throw new InvalidDataException(Truncated(data.Length));
        // Count a few of any trailing bytes, without reading on through a stream that may expand without end.
        Span<byte> probe = stackalloc byte[4096];
        int extra = 0, read;
        while (extra < TrailingCounted && (read = stream.Read(probe)) > 0) extra += read;
        if (extra > 0)
            throw new InvalidDataException(Trailing(extra < TrailingCounted ? $"{extra:N0}" : $"at least {TrailingCounted:N0}"));
        return new IdxArray(dims, data);
    }

    /// <summary>Reads up to <paramref name="count"/> bytes into an array that grows with what arrives, never beyond
    /// <paramref name="count"/>, so a header promising more than the stream holds costs only what it holds.</summary>
    private static byte[] ReadUpTo(Stream stream, int count)
    {
        var buffer = new byte[Math.Min(count, FirstBlock)];
        int filled = 0;
        while (true)
        {
            filled += stream.ReadAtLeast(buffer.AsSpan(filled), buffer.Length - filled, throwOnEndOfStream: false);
            if (filled < buffer.Length) return buffer[..filled];
            if (filled == count) return buffer;
            Array.Resize(ref buffer, (int)Math.Min(count, 2L * buffer.Length));
        }
    }
}
