using AlexNet.MLNet.Tests.Imaging;
using AlexNet.MLNet.Tests.Support;
using AlexNet.Onnx.Runtime;
using Microsoft.ML;

namespace AlexNet.MLNet.Tests.Classification;

/// <summary>
/// GPU options pass through to ApplyOnnxModel. On a machine whose CUDA provider cannot load (this one:
/// libcublasLt.so.13 is missing) fallback runs on the CPU and no fallback is a clear error; where CUDA works, the
/// fallback test checks GPU scores against the CPU's and the no-fallback tests are inconclusive.
/// </summary>
[TestClass]
public sealed class GpuTests
{
    private static bool CudaWorks()
    {
        using var session = new OnnxSessionFactory(new OnnxSessionOptions { GpuDeviceId = 0, FallbackToCpu = true }).Create(TestModels.Rgb);
        return session.Provider == ExecutionProvider.Cuda;
    }

    [TestMethod]
    public void AskingForGpuWithFallbackGivesTheCpuScores()
    {
        var ml = new MLContext(seed: 1);
        var data = Pipelines.PhotoPaths(ml);
        var cpu = Pipelines.Rows<Prediction>(ml, Pipelines.Classify(ml, TestModels.Rgb).Fit(data).Transform(data));
        var gpu = Pipelines.Rows<Prediction>(ml, Pipelines.Classify(ml, TestModels.Rgb, new AlexNetOptions { GpuDeviceId = 0, FallbackToCpu = true }).Fit(data).Transform(data));
        for (int i = 0; i < cpu.Count; i++)
            Assert.IsLessThan(1e-4f, IndependentScores.MaxAbsDiff(cpu[i].Score, gpu[i].Score));
    }

    [TestMethod]
    public void AskingForGpuWithoutFallbackFailsNamingTheModelAndTheSwitch()
    {
        if (CudaWorks()) Assert.Inconclusive("CUDA works here; the failure path needs a machine without it.");
        var ml = new MLContext(seed: 1);
        var e = Assert.ThrowsExactly<InvalidOperationException>(() =>
            ml.Transforms.ClassifyImagesWithAlexNet(TestModels.Rgb, options: new AlexNetOptions { GpuDeviceId = 0 }));
        StringAssert.Contains(e.Message, TestModels.Rgb);
        StringAssert.Contains(e.Message, "GPU device 0");
        StringAssert.Contains(e.Message, "FallbackToCpu");
    }

    [TestMethod]
    public void LoadedPipelineTakesItsGpuSettingsFromTheMLContext()
    {
        if (CudaWorks()) Assert.Inconclusive("CUDA works here; the failure path needs a machine without it.");
        using var folder = new TempFolder();
        var ml = new MLContext(seed: 1);
        var data = Pipelines.PhotoPaths(ml);
        var fitted = Pipelines.Classify(ml, TestModels.Rgb).Fit(data);
        var cpu = Pipelines.Rows<Prediction>(ml, fitted.Transform(data));
        ml.Model.Save(fitted, data.Schema, folder.File("pipeline.zip"));

        var strict = new MLContext { GpuDeviceId = 0, FallbackToCpu = false };
        Assert.Throws<Exception>(() => strict.Model.Load(folder.File("pipeline.zip"), out _));

        var lenient = new MLContext { GpuDeviceId = 0, FallbackToCpu = true };
        var loaded = lenient.Model.Load(folder.File("pipeline.zip"), out _);
        var again = Pipelines.Rows<Prediction>(lenient, loaded.Transform(Pipelines.PhotoPaths(lenient)));
        CollectionAssert.AreEqual(cpu[0].Score, again[0].Score);
    }
}
