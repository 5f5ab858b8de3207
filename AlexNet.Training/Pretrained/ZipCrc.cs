using System.IO.Compression;

namespace AlexNet.Training.Pretrained;

/// <summary>
/// Checks every entry of a zip archive against the CRC-32 its directory records. .NET's <see cref="ZipArchive"/> does
/// not check it when reading, and neither does PyBridge, so without this a torch.save file with a damaged byte inside
/// a tensor's data would load silently with a wrong weight.
/// </summary>
internal static class ZipCrc
{
    // The reflected CRC-32 of zip (polynomial 0xEDB88320), one table entry per byte value.
    private static readonly uint[] Table = [.. Enumerable.Range(0, 256).Select(n =>
    {
        uint c = (uint)n;
        for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        return c;
    })];

    /// <summary>Reads every entry and compares its CRC-32 with the directory's.</summary>
    /// <param name="zip">The archive.</param>
    /// <exception cref="InvalidDataException">An entry's data does not match its CRC-32.</exception>
    public static void Verify(ZipArchive zip)
    {
        var buffer = new byte[1 << 20];
        foreach (var entry in zip.Entries)
        {
            uint crc = 0xFFFFFFFFu;
            using var data = entry.Open();
            for (int n; (n = data.Read(buffer)) > 0;)
                crc = Update(crc, buffer.AsSpan(0, n));
            if (~crc != entry.Crc32)
                throw new InvalidDataException($"{entry.FullName} fails its CRC-32 check (its data was changed after it was written)");
        }
    }

    private static uint Update(uint crc, ReadOnlySpan<byte> bytes)
    {
        foreach (byte b in bytes) crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return crc;
    }
}
