using AlexNet.Onnx.Imaging;
using AlexNet.Reliability.Tests.Support;

namespace AlexNet.Reliability.Tests.Hostile;

/// <summary>Every generated bad image through <see cref="ImageDecoder"/>: an error naming the file, in time, with flat memory.</summary>
[TestClass]
public sealed class ImageDecoderTests
{
    private static readonly TempFolder Folder = new();

    public TestContext TestContext { get; set; } = null!;

    [ClassCleanup]
    public static void DeleteFiles() => Folder.Dispose();

    public static IEnumerable<object[]> Cases => HostileImages.All().Select(f => new object[] { f.Name });

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void HostileImageIsRejectedWithItsReasonOrDecodesAtItsSize(string name)
    {
        var file = HostileImages.All().Single(f => f.Name == name);
        var path = file.WriteTo(Folder.Path);
        (int Width, int Height)? decoded = null;
        var error = Within.Catch(10, () =>
        {
            using var bitmap = ImageDecoder.Decode(path);
            decoded = (bitmap.Width, bitmap.Height);
        }, $"decoding {name}");
        TestContext.WriteLine($"{name}: {error?.Message ?? $"decoded {decoded}"}");
        if (file.Expected is null)
        {
            Assert.IsNotNull(file.Decodes, $"{name}: the table gives neither a reason nor a size");
            Assert.IsNull(error, $"{name} must decode: {error}");
            Assert.AreEqual(file.Decodes, decoded);
            return;
        }
        var decode = Assert.IsInstanceOfType<ImageDecodeException>(error, error?.ToString() ?? $"decoded {decoded}");
        Assert.AreEqual(path, decode.Path);
        Assert.AreEqual($"{path}: {file.Expected}", decode.Message);
    }

    [TestMethod]
    public void HeadersClaimingHugeSizesAreRejectedWithoutMemoryGrowingWithTheClaim()
    {
        foreach (var file in HostileImages.Huge())
        {
            var path = file.WriteTo(Folder.Path);
            int rejected = 0;
            var use = MemoryUse.Of(() =>
            {
                for (int i = 0; i < 20; i++)
                    try { using var _ = ImageDecoder.Decode(path); }
                    catch (ImageDecodeException e) when (e.Message.Contains(HostileImages.OverLimit, StringComparison.Ordinal)) { rejected++; }
            });
            TestContext.WriteLine($"{file.Name} ({file.Bytes.Length} bytes), 20 decodes: {use}");
            Assert.AreEqual(20, rejected, file.Name);
            Assert.IsLessThan(1L << 20, use.AllocatedBytes, $"{file.Name}: managed allocations stay under 1 MiB for 20 tries");
            Assert.IsLessThan(32L << 20, use.WorkingSetGrowth, $"{file.Name}: working set grows by less than 32 MiB");
        }
    }

    [TestMethod]
    public void PixelLimitRejectsAboveItAndCanBeRaised()
    {
        var path = Path.Combine(Folder.Path, "48x40.png");
        File.WriteAllBytes(path, HostileImages.Encode(SkiaSharp.SKEncodedImageFormat.Png));
        var e = Assert.ThrowsExactly<ImageDecodeException>(() => ImageDecoder.Decode(path, new ImageDecodeOptions { MaxPixels = 1919 }));
        StringAssert.Contains(e.Message, "48x40 = 1,920 pixels, above the limit of 1,919 (raise MaxPixels to accept it)");
        using var bitmap = ImageDecoder.Decode(path, new ImageDecodeOptions { MaxPixels = 1920 });
        Assert.AreEqual(48, bitmap.Width);
        Assert.AreEqual(40, bitmap.Height);
    }
}
