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

    [TestMethod]
    public void UnusableCudaFallsBackToCpuAndLogsWhichLibraryIsMissing()
    {
        using var folder = new TempFolder();
        var path = TestModels.Write(folder, AlexNetArchitecture.Small());
        var log = new List<string>();

        using var session = new OnnxSessionFactory(new OnnxSessionOptions { GpuDeviceId = 0, Log = log.Add }).Create(path);

        if (session.Provider == ExecutionProvider.Cuda) Assert.Inconclusive("CUDA works on this machine; there is no fallback to observe.");
        Console.WriteLine(session.FallbackReason);
        Assert.AreEqual(ExecutionProvider.Cpu, session.Provider);
        Assert.IsNotNull(session.FallbackReason);
        Assert.IsTrue(Regex.IsMatch(session.FallbackReason, @"lib[\w.+-]+\.so"), session.FallbackReason);
        Assert.AreEqual(1, log.Count);
        StringAssert.Contains(log[0], session.FallbackReason);
        StringAssert.StartsWith(log[0], path);
    }

    [TestMethod]
    public void UnusableCudaWithoutFallbackThrows()
    {
        using var folder = new TempFolder();
        var path = TestModels.Write(folder, AlexNetArchitecture.Small());
        var factory = new OnnxSessionFactory(new OnnxSessionOptions { GpuDeviceId = 0, FallbackToCpu = false });
        OnnxSession? session = null;
        try
        {
            session = factory.Create(path);
            Assert.AreEqual(ExecutionProvider.Cuda, session.Provider, "without fallback a session must be on CUDA or not exist");
            Assert.Inconclusive("CUDA works on this machine; there is no failure to observe.");
        }
        catch (InvalidOperationException e)
        {
            StringAssert.Contains(e.Message, "CUDA execution provider on device 0");
            StringAssert.StartsWith(e.Message, path);
        }
        finally { session?.Dispose(); }
    }
}
