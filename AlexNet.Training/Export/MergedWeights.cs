using AlexNet.Onnx.Model;
using AlexNet.Training.Model;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AlexNet.Training.Export;

/// <summary>A trained model's weights in the form the ONNX graph uses: the towers' kernels of each layer side by side.</summary>
public static class MergedWeights
{
    /// <summary>The weights, batch norm (if any) folded into the convs, checked against the architecture.</summary>
    /// <param name="model">The network, in any placement.</param>
    public static AlexNetWeights Of(AlexNetModel model)
    {
        using var scope = NewDisposeScope();
        var a = model.Architecture;
        var towers = model.Towers;
        var w = new AlexNetWeights();
        void Add(string name, IEnumerable<Tensor> parts)
        {
            using var merged = cat([.. parts.Select(p => p.detach().cpu())], 0);
            w[name] = new WeightTensor([.. merged.shape.Select(d => (int)d)], merged.data<float>().ToArray());
        }
        for (int i = 0; i < a.Convs.Count; i++)
        {
            var folded = towers.Select(t => FoldNorm(t.Convs[i], a.BatchNorm ? t.Norms[i] : null)).ToArray();
            Add($"{a.Convs[i].Name}.weight", folded.Select(f => f.Weight));
            Add($"{a.Convs[i].Name}.bias", folded.Select(f => f.Bias));
        }
        for (int f = 0; f < a.FullyConnectedPerTower.Count; f++)
        {
            Add($"fc{6 + f}.weight", towers.Select(t => t.FullyConnected[f].weight!));
            Add($"fc{6 + f}.bias", towers.Select(t => t.FullyConnected[f].bias!));
        }
        Add("fc8.weight", [model.Fc8.weight!]);
        Add("fc8.bias", [model.Fc8.bias!]);
        w.Validate(a);
        return w;
    }

    // In eval mode batch norm is y = γ (x − μ) / √(σ² + eps) + β per channel: one scale and shift, which the conv
    // before it absorbs, so the exported graph needs no BatchNormalization node.
    private static (Tensor Weight, Tensor Bias) FoldNorm(Conv2d conv, BatchNorm2d? bn)
    {
        var w = conv.weight!.detach();
        var b = conv.bias!.detach();
        if (bn == null) return (w, b);
        var scale = bn.weight!.detach() / (bn.running_var!.detach() + bn.eps).sqrt();
        return (w * scale.view(-1, 1, 1, 1), (b - bn.running_mean!.detach()) * scale + bn.bias!.detach());
    }
}
