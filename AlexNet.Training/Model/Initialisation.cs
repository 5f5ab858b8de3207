using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace AlexNet.Training.Model;

/// <summary>How weights start.</summary>
public enum InitScheme
{
    /// <summary>Section 5: weights N(0, 0.01); biases 1 in conv2, conv4, conv5, fc6, fc7 and 0 elsewhere.</summary>
    Paper,
    /// <summary>He et al. 2015 normal init for ReLU layers, zero biases; fc8 N(0, 0.01). Trains the small preset where the paper's does not.</summary>
    Kaiming,
}

/// <summary>Applies an <see cref="InitScheme"/> to an <see cref="AlexNetModel"/>.</summary>
public static class Initialisation
{
    private static readonly HashSet<string> PaperBiasOne = ["conv2", "conv4", "conv5", "fc6", "fc7"];

    /// <summary>Re-initialises every parameter of the model.</summary>
    /// <param name="model">The model.</param>
    /// <param name="scheme">The scheme.</param>
    public static void Apply(AlexNetModel model, InitScheme scheme)
    {
        using var _ = no_grad();
        var a = model.Architecture;
        foreach (var tower in model.Towers)
        {
            for (int i = 0; i < tower.Convs.Count; i++) Layer(tower.Convs[i].weight!, tower.Convs[i].bias!, a.Convs[i].Name, scheme);
            for (int f = 0; f < tower.FullyConnected.Count; f++) Layer(tower.FullyConnected[f].weight!, tower.FullyConnected[f].bias!, $"fc{6 + f}", scheme);
        }
        init.normal_(model.Fc8.weight!, 0, 0.01);
        init.zeros_(model.Fc8.bias!);
    }

    private static void Layer(Tensor weight, Tensor bias, string name, InitScheme scheme)
    {
        if (scheme == InitScheme.Paper)
        {
            init.normal_(weight, 0, 0.01);
            if (PaperBiasOne.Contains(name)) init.ones_(bias); else init.zeros_(bias);
        }
        else
        {
            init.kaiming_normal_(weight, mode: init.FanInOut.FanIn, nonlinearity: init.NonlinearityType.ReLU);
            init.zeros_(bias);
        }
    }
}
