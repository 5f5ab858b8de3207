using AlexNet.MLNet.Tests.Imaging;
using AlexNet.MLNet.Tests.Support;
using AlexNet.Onnx.Runtime;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;

namespace AlexNet.MLNet.Tests.Classification;

/// <summary>
/// GPU options pass through to ONNX Runtime. On a machine whose CUDA provider cannot load (this one:
/// libcublasLt.so.13 is missing) fallback runs on the CPU and no fallback is a clear error; where CUDA works, the
/// fallback test checks that the GPU ran and agrees with the CPU, and the no-fallback tests are inconclusive (allowed
/// by name in .ci/allowed-inconclusive.tsv).
/// </summary>
[TestClass]
public sealed class GpuTests
{
    private const string CudaWorksHere = "CUDA works on this machine; the failure path needs a machine without it.";

    /// <summary>ONNX Runtime's own answer, through the session factory: whether a CUDA session opens on device 0.</summary>
    private static bool CudaWorks()
    {
        using var session = new OnnxSessionFactory(new OnnxSessionOptions { GpuDeviceId = 0, FallbackToCpu = true }).Create(TestModels.Rgb);
        return session.Provider == ExecutionProvider.Cuda;
    }

    [TestMethod]
    public void AskingForGpuWithFallbackRunsOnCudaWhereItWorksElseOnTheCpuWithTheCpuScores()
    {
        var ml = new MLContext(seed: 1);
        var data = Pipelines.PhotoPaths(ml);
        var cpu = Pipelines.Rows<Prediction>(ml, Pipelines.Classify(ml, TestModels.Rgb).Fit(data).Transform(data));
        var fitted = (TransformerChain<AlexNetTransformer>)Pipelines.Classify(ml, TestModels.Rgb, new AlexNetOptions { GpuDeviceId = 0, FallbackToCpu = true }).Fit(data);
        var gpu = Pipelines.Rows<Prediction>(ml, fitted.Transform(data));

        Assert.HasCount(cpu.Count, gpu);
        if (CudaWorks())
        {
            Assert.AreEqual(ExecutionProvider.Cuda, fitted.LastTransformer.Provider);
            for (int i = 0; i < cpu.Count; i++)
                Assert.IsLessThan(1e-4f, IndependentScores.MaxAbsDiff(cpu[i].Score, gpu[i].Score));
        }
        else
        {
            // The same provider, graph and batches as the CPU run: the same scores to the last bit.
            Assert.AreEqual(ExecutionProvider.Cpu, fitted.LastTransformer.Provider);
            for (int i = 0; i < cpu.Count; i++)
                CollectionAssert.AreEqual(cpu[i].Score, gpu[i].Score, Pipelines.Photos[i]);
        }
    }

    [TestMethod]
    public void AskingForGpuWithoutFallbackFailsNamingTheModelAndTheSwitch()
    {
        if (CudaWorks()) Assert.Inconclusive(CudaWorksHere);
        var ml = new MLContext(seed: 1);
        var e = Assert.ThrowsExactly<InvalidOperationException>(() =>
            ml.Transforms.ClassifyImagesWithAlexNet(TestModels.Rgb, options: new AlexNetOptions { GpuDeviceId = 0 }));
        StringAssert.StartsWith(e.Message, TestModels.Rgb + ": the CUDA execution provider on GPU device 0 cannot run the model");
        StringAssert.Contains(e.Message, "set AlexNetOptions.FallbackToCpu to run on the CPU instead");
        Assert.IsInstanceOfType<OnnxRuntimeException>(Innermost(e));
        StringAssert.EndsWith(e.Message, "ONNX Runtime said: " + Innermost(e).Message);
    }

    [TestMethod]
    public void LoadedPipelineTakesItsGpuSettingsFromTheMLContext()
    {
        if (CudaWorks()) Assert.Inconclusive(CudaWorksHere);
        using var folder = new TempFolder();
        var ml = new MLContext(seed: 1);
        var data = Pipelines.PhotoPaths(ml);
        var fitted = Pipelines.Classify(ml, TestModels.Rgb).Fit(data);
        var cpu = Pipelines.Rows<Prediction>(ml, fitted.Transform(data));
        ml.Model.Save(fitted, data.Schema, folder.File("pipeline.zip"));

        // ML.NET's own error (the loaded chain is its built-in transforms): it could not append the CUDA provider.
        var strict = new MLContext { GpuDeviceId = 0, FallbackToCpu = false };
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => strict.Model.Load(folder.File("pipeline.zip"), out _));
        var cause = Innermost(e);
        Assert.IsInstanceOfType<OnnxRuntimeException>(cause);
        StringAssert.Contains(cause.Message, "AppendExecutionProvider_Cuda");

        var lenient = new MLContext { GpuDeviceId = 0, FallbackToCpu = true };
        var loaded = lenient.Model.Load(folder.File("pipeline.zip"), out _);
        var again = Pipelines.Rows<Prediction>(lenient, loaded.Transform(Pipelines.PhotoPaths(lenient)));
        CollectionAssert.AreEqual(cpu[0].Score, again[0].Score);
    }

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null) e = e.InnerException;
        return e;
    }
}
