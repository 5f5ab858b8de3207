using System.Runtime.InteropServices;

namespace AlexNet.Tests.Shared;

/// <summary>Exchanges float arrays with the Python scripts as raw little-endian float32 files, row after row.</summary>
internal static class RawFloats
{
    public static void Write(string path, float[] values) => File.WriteAllBytes(path, MemoryMarshal.AsBytes(values.AsSpan()).ToArray());

    public static float[] Read(string path) => MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(path)).ToArray();

    public static float[][] ReadRows(string path, int width)
    {
        var all = Read(path);
        Assert.AreEqual(0, all.Length % width, $"{path} holds {all.Length} floats, not rows of {width}");
        return all.Chunk(width).ToArray();
    }

    public static float MaxAbsDiff(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Assert.AreEqual(a.Length, b.Length, "lengths differ");
        float max = 0;
        for (int i = 0; i < a.Length; i++) max = Math.Max(max, Math.Abs(a[i] - b[i]));
        return max;
    }
}
