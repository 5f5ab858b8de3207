using AlexNet.Reliability.Tests.Support;
using AlexNet.Onnx.Datasets;
using AlexNet.Training.Data;

namespace AlexNet.Reliability.Tests.Hostile;

/// <summary>Every generated bad IDX file through <see cref="IdxFile.Read"/>: an error naming the file, nothing allocated for a claimed size.</summary>
[TestClass]
public sealed class IdxFileTests
{
    private static readonly TempFolder Folder = new();

    public TestContext TestContext { get; set; } = null!;

    [ClassCleanup]
    public static void DeleteFiles() => Folder.Dispose();

    public static IEnumerable<object[]> Cases => HostileIdx.All().Select(f => new object[] { f.Name });

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void HostileIdxFileIsRejectedNamingTheFile(string name)
    {
        var file = HostileIdx.All().Single(f => f.Name == name);
        var path = file.WriteTo(Folder.Path);
        var error = Within.Catch(10, () => IdxFile.Read(path), $"reading {name}");
        TestContext.WriteLine($"{name}: {error?.Message ?? "read"}");
        var invalid = Assert.IsInstanceOfType<InvalidDataException>(error, error?.ToString() ?? "read without an error");
        StringAssert.StartsWith(invalid.Message, $"{path}: {file.Expected}");
    }

    [TestMethod]
    [DataRow("claims-2147483647-images-idx3-ubyte")]
    [DataRow("gzip-claims-2147483647-images-idx3-ubyte.gz")]
    public void HeaderClaimingMoreThanTheDataAllocatesOnlyWhatTheFileHolds(string name)
    {
        var path = HostileIdx.All().Single(f => f.Name == name).WriteTo(Folder.Path);
        var use = MemoryUse.Of(() =>
        {
            for (int i = 0; i < 20; i++) Assert.ThrowsExactly<InvalidDataException>(() => IdxFile.Read(path));
        });
        TestContext.WriteLine($"{name}, 20 reads: {use}");
        Assert.IsLessThan(1L << 20, use.AllocatedBytes, use.ToString());
    }
}
