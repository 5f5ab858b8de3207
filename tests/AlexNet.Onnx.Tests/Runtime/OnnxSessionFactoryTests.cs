using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using AlexNet.Onnx.Model;
using AlexNet.Onnx.Runtime;
using AlexNet.Onnx.Tests.Support;

namespace AlexNet.Onnx.Tests.Runtime;

[TestClass]
public sealed class OnnxSessionFactoryTests
{
    [TestMethod]
    public void NoGpuRequestedRunsOnCpuWithoutAFallbackReason()
    {
        using var folder = new TempFolder();
        using var session = new OnnxSessionFactory(new OnnxSessionOptions { IntraOpThreads = 1, InterOpThreads = 1 })
            .Create(TestModels.Write(folder, AlexNetArchitecture.Small()));

        Assert.AreEqual(ExecutionProvider.Cpu, session.Provider);
        Assert.IsNull(session.FallbackReason);
    }

    private const string CudaWorksHere = "CUDA works on this machine; there is no failure to observe.";

    [TestMethod]
    public void UnusableCudaFallsBackToCpuAndLogsWhichLibraryIsMissing()
    {
        using var folder = new TempFolder();
        var path = TestModels.Write(folder, AlexNetArchitecture.Small());
        var log = new List<string>();

        using var session = new OnnxSessionFactory(new OnnxSessionOptions { GpuDeviceId = 0, Log = log.Add }).Create(path);

        if (session.Provider == ExecutionProvider.Cuda) Assert.Inconclusive(CudaWorksHere);
        Assert.AreEqual(ExecutionProvider.Cpu, session.Provider);
        Assert.IsNotNull(session.FallbackReason);
        StringAssert.StartsWith(session.FallbackReason, "CUDA execution provider on device 0 is not usable: ");
        // The library the loader named is one this machine's loader cannot load.
        var missing = Regex.Match(session.FallbackReason, @"needs (lib[\w.+-]+\.so[\d.]*), which the loader cannot find");
        Assert.IsTrue(missing.Success, session.FallbackReason);
        Assert.IsFalse(NativeLibrary.TryLoad(missing.Groups[1].Value, out _), missing.Groups[1].Value);
        Assert.AreEqual($"{path}: falling back to CPU. {session.FallbackReason}", log.Single());
    }

    [TestMethod]
    public void UnusableCudaWithoutFallbackThrowsNamingTheModelAndTheReason()
    {
        using var folder = new TempFolder();
        var path = TestModels.Write(folder, AlexNetArchitecture.Small());
        using var lenient = new OnnxSessionFactory(new OnnxSessionOptions { GpuDeviceId = 0, FallbackToCpu = true }).Create(path);
        if (lenient.Provider == ExecutionProvider.Cuda) Assert.Inconclusive(CudaWorksHere);

        var factory = new OnnxSessionFactory(new OnnxSessionOptions { GpuDeviceId = 0, FallbackToCpu = false });
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => factory.Create(path));

        // The reason a fallback would have logged, after the model's path, with ONNX Runtime's exception inside.
        Assert.AreEqual($"{path}: {lenient.FallbackReason}", e.Message);
        Assert.IsInstanceOfType<Microsoft.ML.OnnxRuntime.OnnxRuntimeException>(e.InnerException);
    }
}
