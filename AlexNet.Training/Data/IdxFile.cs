using System.Buffers.Binary;
using System.IO.Compression;

namespace AlexNet.Training.Data;

/// <summary>
/// Reads IDX files (the format of MNIST and Fashion-MNIST), gzip-compressed or raw (told apart by the gzip
/// magic bytes, not the name). Header: two zero bytes, a type code (0x08 = unsigned byte, the only type these
/// datasets use), the number of dimensions, then each dimension as a big-endian int32.
/// </summary>
public static class IdxFile
{
    private const byte UnsignedByte = 0x08;

    /// <summary>Reads and checks an IDX file of unsigned bytes.</summary>
    /// <param name="path">A .idx / -ubyte file, optionally gzip-compressed.</param>
    /// <exception cref="InvalidDataException">Wrong magic, unsupported type, bad dimensions, or a length that
    /// disagrees with the header; the message names the file.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static IdxArray Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: IDX file not found.", path);
        byte[] bytes = Decompress(path, File.ReadAllBytes(path));

        if (bytes.Length < 4)
            throw new InvalidDataException($"{path}: {bytes.Length} bytes is too short for an IDX header (4-byte magic).");
        if (bytes[0] != 0 || bytes[1] != 0)
            throw new InvalidDataException($"{path}: not an IDX file: the magic number starts 0x{bytes[0]:X2}{bytes[1]:X2}, expected 0x0000.");
        if (bytes[2] != UnsignedByte)
            throw new InvalidDataException($"{path}: IDX type code 0x{bytes[2]:X2} is not supported; only 0x08 (unsigned byte) is.");
        int rank = bytes[3];
        if (rank < 1)
            throw new InvalidDataException($"{path}: the IDX header declares {rank} dimensions; at least 1 is needed.");
        int headerLength = 4 + 4 * rank;
        if (bytes.Length < headerLength)
            throw new InvalidDataException($"{path}: the file ends inside its header ({bytes.Length} bytes, the {rank} dimensions need {headerLength}).");

        var dims = new int[rank];
        long expected = 1;
        for (int i = 0; i < rank; i++)
        {
            dims[i] = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4 + 4 * i));
            if (dims[i] <= 0)
                throw new InvalidDataException($"{path}: dimension {i} is {dims[i]}; IDX dimensions must be positive.");
            // A crafted header can multiply past 2^63 and wrap to the file's real length; no real file comes close.
            if (expected > long.MaxValue / dims[i])
                throw new InvalidDataException($"{path}: the header's dimensions [{string.Join(", ", dims[..(i + 1)])}, …] overflow: no file holds that many values.");
            expected *= dims[i];
        }
        long actual = bytes.Length - headerLength;
        if (actual != expected)
            throw new InvalidDataException(actual < expected
                ? $"{path}: truncated: the header [{string.Join(", ", dims)}] promises {expected:N0} values, the file holds {actual:N0}."
                : $"{path}: {actual - expected:N0} bytes follow the {expected:N0} values the header [{string.Join(", ", dims)}] promises.");
        return new IdxArray(dims, bytes[headerLength..]);
    }

    private static byte[] Decompress(string path, byte[] bytes)
    {
        if (bytes.Length < 2 || bytes[0] != 0x1F || bytes[1] != 0x8B) return bytes;
        try
        {
            using var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
            using var output = new MemoryStream();
            gzip.CopyTo(output);
            return output.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: the gzip stream is corrupt or truncated: {e.Message}", e);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"{path}: the gzip stream is truncated: {e.Message}", e);
        }
    }
}
