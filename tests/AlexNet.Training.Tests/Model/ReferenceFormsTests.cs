using AlexNet.Onnx.Model;
using AlexNet.Training.Model;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace AlexNet.Training.Tests.Model;

/// <summary>
/// The whole network in its fast forms (LRN fused, our max-pooling, activations in place) against
/// <see cref="AlexNetModel.ReferenceForms"/> (LRN written out, libtorch's max-pooling, new tensors): the same logits and the same gradient in
/// every parameter, for both presets and torchvision's, with gradients on and off.
/// </summary>
[TestClass]
public sealed class ReferenceFormsTests
{
    public static IEnumerable<object[]> Presets =>
    [
        ["small", AlexNetArchitecture.Small(10, 1), 8],
        ["paper", AlexNetArchitecture.Paper(1000, 3), 2],
        ["torchvision (one tower, no LRN)", AlexNetArchitecture.Torchvision(1000), 2],
    ];

    [TestMethod]
    [DynamicData(nameof(Presets))]
    public void FastFormsGiveTheReferenceLogitsAndGradients(string what, AlexNetArchitecture architecture, int batch)
    {
        using var scope = NewDisposeScope();
        manual_seed(7);
        using var model = new AlexNetModel(architecture);
        model.eval();   // no dropout: the two passes must see the same network
        var x = randn(batch, architecture.InputChannels, architecture.InputSize, architecture.InputSize) * 2;
        var labels = randint(0, architecture.NumClasses, [batch]);
        var parameters = model.named_parameters().ToArray();

        (Tensor Logits, Tensor[] Gradients) Pass(bool reference)
        {
            model.ReferenceForms = reference;
            foreach (var (_, p) in parameters) p.grad = null;
            var logits = model.forward(x);
            F.cross_entropy(logits, labels).backward();
            return (logits.detach(), [.. parameters.Select(p => p.parameter.grad!.clone())]);
        }
        var (expected, expectedGradients) = Pass(reference: true);
        var (actual, actualGradients) = Pass(reference: false);
        Tensor inference;
        using (no_grad()) inference = model.forward(x);

        TensorAssert.Close(expected, actual, 1e-5, $"{what}: logits");
        TensorAssert.Close(expected, inference, 1e-5, $"{what}: logits without gradients");
        for (int i = 0; i < parameters.Length; i++)
            TensorAssert.Close(expectedGradients[i], actualGradients[i], 1e-4, $"{what}: gradient of {parameters[i].name}");
    }
}
