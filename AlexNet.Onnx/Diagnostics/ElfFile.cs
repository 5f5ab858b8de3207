using System.Buffers.Binary;
using System.Text;

namespace AlexNet.Onnx.Diagnostics;

/// <summary>One symbol-version need of an ELF shared library (an entry of its <c>.gnu.version_r</c> section).</summary>
/// <param name="Library">The library the version is needed from, e.g. <c>libstdc++.so.6</c>.</param>
/// <param name="Version">The version name, e.g. <c>GLIBCXX_3.4.32</c>.</param>
/// <param name="Weak">True when the need is marked weak (VER_FLG_WEAK): the loader then accepts a library without it.</param>
public sealed record ElfVersionNeed(string Library, string Version, bool Weak);

/// <summary>
/// Reads what the dynamic loader checks in a little-endian ELF64 shared library: the libraries it needs
/// (<c>DT_NEEDED</c>), the symbol versions it defines (<c>.gnu.version_d</c>) and the versions it needs
/// (<c>.gnu.version_r</c>) with their weak flags. Enough to explain a "version not found" or a missing library
/// without readelf.
/// </summary>
public sealed class ElfFile
{
    private const uint ShtDynamic = 6, ShtGnuVerdef = 0x6ffffffd, ShtGnuVerneed = 0x6ffffffe;
    private const long DtNeeded = 1;
    private const ushort VerFlgWeak = 0x2;

    /// <summary>The file read.</summary>
    public string Path { get; }
    /// <summary>Libraries named by <c>DT_NEEDED</c> entries, in file order.</summary>
    public IReadOnlyList<string> NeededLibraries { get; }
    /// <summary>Symbol versions the library defines (for libstdc++: GLIBCXX_3.4 … GLIBCXX_3.4.N, CXXABI_…).</summary>
    public IReadOnlyList<string> DefinedVersions { get; }
    /// <summary>Symbol versions the library needs from others.</summary>
    public IReadOnlyList<ElfVersionNeed> VersionNeeds { get; }

    private ElfFile(string path, List<string> needed, List<string> defined, List<ElfVersionNeed> needs)
    {
        Path = path;
        NeededLibraries = needed;
        DefinedVersions = defined;
        VersionNeeds = needs;
    }

    /// <summary>Reads a library.</summary>
    /// <param name="path">An ELF64 little-endian file.</param>
    /// <exception cref="InvalidDataException">The file is not a little-endian ELF64 file or its sections are out of bounds.</exception>
    public static ElfFile Read(string path)
    {
        var b = File.ReadAllBytes(path);
        if (b.Length < 64 || b[0] != 0x7f || b[1] != 'E' || b[2] != 'L' || b[3] != 'F' || b[4] != 2 || b[5] != 1)
            throw new InvalidDataException($"{path}: not a little-endian ELF64 file.");
        try
        {
            return Parse(path, b);
        }
        catch (Exception e) when (e is ArgumentOutOfRangeException or IndexOutOfRangeException or OverflowException)
        {
            throw new InvalidDataException($"{path}: ELF sections point outside the file.", e);
        }
    }

    private static ElfFile Parse(string path, byte[] b)
    {
        long shoff = checked((long)U64(b, 0x28));
        int shentsize = U16(b, 0x3A), shnum = U16(b, 0x3C);
        var needed = new List<string>();
        var defined = new List<string>();
        var needs = new List<ElfVersionNeed>();
        for (int i = 0; i < shnum; i++)
        {
            int sh = checked((int)(shoff + (long)i * shentsize));
            uint type = U32(b, sh + 4);
            if (type is not (ShtDynamic or ShtGnuVerdef or ShtGnuVerneed)) continue;
            int offset = checked((int)U64(b, sh + 0x18));
            int size = checked((int)U64(b, sh + 0x20));
            int link = (int)U32(b, sh + 0x28);
            int info = (int)U32(b, sh + 0x2C);
            int strings = checked((int)U64(b, checked((int)(shoff + (long)link * shentsize)) + 0x18));
            switch (type)
            {
                case ShtDynamic:
                    for (int e = offset; e + 16 <= offset + size; e += 16)
                    {
                        long tag = (long)U64(b, e);
                        if (tag == 0) break;
                        if (tag == DtNeeded) needed.Add(CString(b, strings + checked((int)U64(b, e + 8))));
                    }
                    break;
                case ShtGnuVerdef:
                    for (int n = 0, vd = offset; n < info; n++)
                    {
                        // Verdef: version, flags, ndx, cnt, hash, aux, next; the first Verdaux names the version.
                        int aux = vd + (int)U32(b, vd + 12);
                        if ((U16(b, vd + 2) & 0x1) == 0) defined.Add(CString(b, strings + (int)U32(b, aux))); // skip VER_FLG_BASE (the soname)
                        uint next = U32(b, vd + 16);
                        if (next == 0) break;
                        vd += (int)next;
                    }
                    break;
                case ShtGnuVerneed:
                    for (int n = 0, vn = offset; n < info; n++)
                    {
                        // Verneed: version, cnt, file, aux, next; Vernaux: hash, flags, other, name, next.
                        string library = CString(b, strings + (int)U32(b, vn + 4));
                        int count = U16(b, vn + 2);
                        for (int a = 0, aux = vn + (int)U32(b, vn + 8); a < count; a++)
                        {
                            needs.Add(new ElfVersionNeed(library, CString(b, strings + (int)U32(b, aux + 8)), (U16(b, aux + 4) & VerFlgWeak) != 0));
                            uint nextAux = U32(b, aux + 12);
                            if (nextAux == 0) break;
                            aux += (int)nextAux;
                        }
                        uint next = U32(b, vn + 12);
                        if (next == 0) break;
                        vn += (int)next;
                    }
                    break;
            }
        }
        return new ElfFile(path, needed, defined, needs);
    }

    private static ushort U16(byte[] b, int at) => BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(at, 2));
    private static uint U32(byte[] b, int at) => BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(at, 4));
    private static ulong U64(byte[] b, int at) => BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(at, 8));

    private static string CString(byte[] b, int start)
    {
        int end = Array.IndexOf(b, (byte)0, start);
        if (end < 0) throw new IndexOutOfRangeException();
        return Encoding.ASCII.GetString(b, start, end - start);
    }
}
