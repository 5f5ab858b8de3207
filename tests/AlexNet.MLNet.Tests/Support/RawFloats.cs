using System.Runtime.InteropServices;

namespace AlexNet.MLNet.Tests.Support;

/// <summary>Reads the float arrays the Python scripts write: raw little-endian float32, row after row.</summary>
internal static class RawFloats
{
    public static float[][] ReadRows(string path, int width)
    {
        var all = MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(path)).ToArray();
        Assert.AreEqual(0, all.Length % width, $"{path} holds {all.Length} floats, not rows of {width}");
        return all.Chunk(width).ToArray();
    }
}
