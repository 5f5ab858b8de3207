using AlexNet.Onnx.Model;
using AlexNet.Training.Model;
using AlexNet.Training.Training;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace AlexNet.Training.Tests.Model;

/// <summary>
/// The whole network with channels-last activations (<see cref="AlexNetModel.MemoryFormat"/>) against the contiguous
/// layout: the same loss, logits and parameter gradients, two towers and one, parameters untouched.
/// </summary>
[TestClass]
public sealed class MemoryFormatTests
{
    public static IEnumerable<object[]> Presets =>
    [
        ["small", AlexNetArchitecture.Small(10, 1), 8],
        ["paper", AlexNetArchitecture.Paper(1000, 3), 2],
        ["small with batch norm", AlexNetArchitecture.Small(10, 1) with { BatchNorm = true }, 8],
        ["torchvision (one tower, no LRN, average pooling)", AlexNetArchitecture.Torchvision(1000), 2],
    ];

    [TestMethod]
    [DynamicData(nameof(Presets))]
    public void ChannelsLastGivesTheContiguousLossLogitsAndGradients(string what, AlexNetArchitecture architecture, int batch)
    {
        using var scope = NewDisposeScope();
        manual_seed(7);
        using var model = new AlexNetModel(architecture);
        model.eval();   // no dropout, batch norm from its running statistics: both passes see the same network
        var x = randn(batch, architecture.InputChannels, architecture.InputSize, architecture.InputSize) * 2;
        var labels = randint(0, architecture.NumClasses, [batch]);
        var parameters = model.named_parameters().ToArray();

        (float Loss, Tensor Logits, Tensor[] Gradients) Pass(MemoryFormat format)
        {
            model.MemoryFormat = format;
            foreach (var (_, p) in parameters) p.grad = null;
            var logits = model.forward(x);
            var loss = F.cross_entropy(logits, labels);
            loss.backward();
            return (loss.item<float>(), logits.detach(), [.. parameters.Select(p => p.parameter.grad!.clone())]);
        }
        var (expectedLoss, expected, expectedGradients) = Pass(MemoryFormat.Contiguous);
        var (loss, actual, gradients) = Pass(MemoryFormat.ChannelsLast);
        Tensor inference;
        using (no_grad()) inference = model.forward(x);

        Assert.AreEqual(expectedLoss, loss, 1e-5 * Math.Abs(expectedLoss), $"{what}: loss");
        TensorAssert.Close(expected, actual, 1e-5, $"{what}: logits");
        TensorAssert.Close(expected, inference, 1e-5, $"{what}: logits without gradients");
        for (int i = 0; i < parameters.Length; i++)
        {
            TensorAssert.Close(expectedGradients[i], gradients[i], 1e-4, $"{what}: gradient of {parameters[i].name}");
            Assert.IsTrue(parameters[i].parameter.is_contiguous(), $"{what}: {parameters[i].name} stays contiguous");
        }
    }

    [TestMethod]
    public void EveryConvLayerPassesChannelsLastActivationsAndTheTrunkReturnsContiguousMaps()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        var architecture = AlexNetArchitecture.Small(10, 1);
        using var model = new AlexNetModel(architecture) { MemoryFormat = MemoryFormat.ChannelsLast };
        model.eval();
        var x = randn(2, 1, architecture.InputSize, architecture.InputSize);
        using var _ = no_grad();
        foreach (var (stage, groups) in model.RunConvolutions(x))
            Assert.IsTrue(ChannelsLast.Is(groups.Single()), $"{stage}: strides [{string.Join(", ", groups.Single().stride())}] of shape [{string.Join(", ", groups.Single().shape)}]");
        Assert.IsTrue(model.Trunk(x).is_contiguous(), "the trunk's maps");
        Assert.IsTrue(model.Stages(x).All(s => s.Output.is_contiguous()), "the stages' outputs");
        model.MemoryFormat = MemoryFormat.Contiguous;
        Assert.IsTrue(model.RunConvolutions(x).All(s => s.Groups.Single().is_contiguous()), "the control: contiguous when not asked");
    }

    // One input channel (Fashion-MNIST): NCHW and NHWC are the same memory, and libtorch reads the layout from the
    // strides, so conv1 runs channels-last only when the channel stride is 1, as PyTorch's
    // contiguous(memory_format=torch.channels_last) leaves it.
    [TestMethod]
    public void OneChannelInputGetsChannelsLastStrides()
    {
        using var scope = NewDisposeScope();
        var x = arange(0f, 2 * 5 * 7).reshape(2, 1, 5, 7);
        var last = ChannelsLast.Of(x);
        CollectionAssert.AreEqual(new long[] { 35, 1, 7, 1 }, last.stride());
        Assert.IsTrue(last.eq(x).all().item<bool>(), "the same values");
        CollectionAssert.AreEqual(new long[] { 105, 1, 21, 3 }, ChannelsLast.Of(arange(0f, 2 * 3 * 5 * 7).reshape(2, 3, 5, 7)).stride(), "three channels");
    }

    [TestMethod]
    [DataRow(MemoryFormat.ChannelsLast)]
    [DataRow(MemoryFormat.Contiguous)]
    public void TheTrainersModelRunsInTheRuntimeOptionsMemoryFormat(MemoryFormat format)
    {
        var o = new TrainOptions
        {
            Data = new() { Path = RepoPaths.FashionMnist, TrainLimit = 8, ValLimit = 8 },
            Runtime = new() { RunDir = RepoPaths.NewTempFolder("memory-format"), MemoryFormat = format },
        };
        using var trainer = new Trainer(o, TrainingData.Open(o.Data.Path, 32, trainLimit: 8, evalLimit: 8));
        Assert.AreEqual(format, trainer.Model.MemoryFormat);
    }

    [TestMethod]
    public void ChannelsLastIsTheRuntimeDefaultAndTheModelsOwnIsContiguous()
    {
        Assert.AreEqual(MemoryFormat.ChannelsLast, new RuntimeOptions().MemoryFormat, "training runs channels-last unless told");
        using var model = new AlexNetModel(AlexNetArchitecture.Small(10, 1));
        Assert.AreEqual(MemoryFormat.Contiguous, model.MemoryFormat, "a model built alone keeps libtorch's layout");
    }
}
