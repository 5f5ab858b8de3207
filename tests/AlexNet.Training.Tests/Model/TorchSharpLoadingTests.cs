using AlexNet.Onnx.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace AlexNet.Training.Tests.Model;

[TestClass]
public sealed class TorchSharpLoadingTests
{
    [TestMethod]
    public void LibTorchLoadsAndRunsAGroupedConvolution()
    {
        Assert.StartsWith("2.10", torch.__version__);
        using var x = ones(1, 4, 5, 5);
        using var w = ones(6, 2, 3, 3);
        using var y = nn.functional.conv2d(x, w, groups: 2);
        CollectionAssert.AreEqual(new long[] { 1, 6, 3, 3 }, y.shape);
        Assert.AreEqual(18f, y[0, 0, 1, 1].item<float>(), "each output sums 2 channels × 9 taps of ones");
    }

    [TestMethod]
    public void TheLoadedLibTorchSharpHasItsGlibcxx3432NeedMarkedWeak()
    {
        var lib = Directory.GetFiles(AppContext.BaseDirectory, "libLibTorchSharp.so", SearchOption.AllDirectories).Single();
        var line = Readelf.Run("-V", lib).Split('\n').Single(l => l.Contains("Name: GLIBCXX_3.4.32"));
        // This machine's libstdc++, wherever its layout keeps it (x86-64 or arm64), read by readelf, not the product's parser.
        var libstdcxx = SystemDiagnostics.LibstdcxxPath();
        Assert.IsNotNull(libstdcxx, "no libstdc++.so.6 on this machine");
        bool systemHasIt = Readelf.DefinedVersions(libstdcxx).Contains("GLIBCXX_3.4.32");
        Assert.AreEqual(!systemHasIt, line.Contains("Flags: WEAK"), line);
    }
}
