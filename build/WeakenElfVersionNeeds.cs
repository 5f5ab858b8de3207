using System;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

// Marks chosen symbol-version needs (e.g. GLIBCXX_3.4.32) of an ELF64 shared library as weak, so the
// dynamic loader accepts a libstdc++ that lacks them. Rewrites the file through a temp copy + rename,
// which also breaks any hard link to the NuGet cache.
public class WeakenElfVersionNeeds : Task
{
    [Required] public ITaskItem[] Libraries { get; set; } = Array.Empty<ITaskItem>();
    [Required] public string Versions { get; set; } = "";

    const uint ShtGnuVerneed = 0x6ffffffe;
    const ushort VerFlgWeak = 0x2;

    static readonly string[] LibstdcxxPaths =
    {
        "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib/aarch64-linux-gnu/libstdc++.so.6",
        "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6",
    };

    public override bool Execute()
    {
        var wanted = Versions.Split(new[] { ';', ',' }, StringSplitOptions.RemoveEmptyEntries)
                             .Select(v => v.Trim()).ToArray();
        var systemLib = LibstdcxxPaths.FirstOrDefault(File.Exists);
        if (systemLib != null)
        {
            var text = Encoding.ASCII.GetString(File.ReadAllBytes(systemLib));
            wanted = wanted.Where(v => !text.Contains(v + "\0")).ToArray();
        }
        if (wanted.Length == 0)
        {
            Log.LogMessage(MessageImportance.Low, "System libstdc++ provides every needed version; nothing to patch.");
            return true;
        }
        foreach (var item in Libraries)
        {
            var path = item.ItemSpec;
            var bytes = File.ReadAllBytes(path);
            var changed = Weaken(bytes, wanted, path);
            if (changed < 0) return false;
            if (changed == 0) continue;
            var tmp = path + ".weak.tmp";
            File.WriteAllBytes(tmp, bytes);
            File.Replace(tmp, path, null);
            Log.LogMessage(MessageImportance.Normal, $"Marked {string.Join(", ", wanted)} weak in {path} ({changed} entries).");
        }
        return true;
    }

    int Weaken(byte[] b, string[] wanted, string path)
    {
        if (b.Length < 64 || b[0] != 0x7f || b[1] != (byte)'E' || b[2] != (byte)'L' || b[3] != (byte)'F' || b[4] != 2 || b[5] != 1)
        {
            Log.LogError($"{path}: not a little-endian ELF64 file; cannot mark version needs weak.");
            return -1;
        }
        ulong shoff = BitConverter.ToUInt64(b, 0x28);
        int shentsize = BitConverter.ToUInt16(b, 0x3A), shnum = BitConverter.ToUInt16(b, 0x3C);
        int changed = 0;
        for (int i = 0; i < shnum; i++)
        {
            int sh = checked((int)shoff + i * shentsize);
            if (BitConverter.ToUInt32(b, sh + 4) != ShtGnuVerneed) continue;
            int off = checked((int)BitConverter.ToUInt64(b, sh + 0x18));
            int link = (int)BitConverter.ToUInt32(b, sh + 0x28);
            int count = (int)BitConverter.ToUInt32(b, sh + 0x2C);
            int strOff = checked((int)BitConverter.ToUInt64(b, checked((int)shoff + link * shentsize) + 0x18));
            int vn = off;
            for (int n = 0; n < count; n++)
            {
                int auxCount = BitConverter.ToUInt16(b, vn + 2);
                int aux = vn + (int)BitConverter.ToUInt32(b, vn + 8);
                for (int a = 0; a < auxCount; a++)
                {
                    string name = ReadCString(b, strOff + (int)BitConverter.ToUInt32(b, aux + 8));
                    if (wanted.Contains(name))
                    {
                        ushort flags = BitConverter.ToUInt16(b, aux + 4);
                        if ((flags & VerFlgWeak) == 0)
                        {
                            b[aux + 4] |= (byte)VerFlgWeak;
                            changed++;
                        }
                    }
                    aux += (int)BitConverter.ToUInt32(b, aux + 12);
                }
                vn += (int)BitConverter.ToUInt32(b, vn + 12);
            }
        }
        return changed;
    }

    static string ReadCString(byte[] b, int start)
    {
        int end = start;
        while (b[end] != 0) end++;
        return Encoding.ASCII.GetString(b, start, end - start);
    }
}
