using AlexNet.Onnx.Model;

namespace AlexNet.Training.FineTuning;

/// <summary>
/// Reads which layers a fine-tuning run freezes, in the words PyTorch users use: layer names, ranges, or
/// torchvision's two halves of the net, <c>features</c> (the convolutions) and <c>classifier</c> (the fully-connected
/// layers). A frozen layer's parameters (weights, biases, and its batch norm's scale and shift) get no gradient, no
/// update and no weight decay.
/// </summary>
public static class FrozenLayers
{
    /// <summary>The layers of an architecture in order: conv1 … conv5, fc6, fc7, fc8.</summary>
    /// <param name="architecture">The network.</param>
    public static IReadOnlyList<string> LayerNames(AlexNetArchitecture architecture) =>
        [.. architecture.Convs.Select(c => c.Name), .. Enumerable.Range(6, architecture.FullyConnectedPerTower.Count + 1).Select(f => $"fc{f}")];

    /// <summary>The layers a freeze list names, in network order.</summary>
    /// <param name="spec">Entries such as "conv1-conv5", "features", "fc6", each possibly comma-separated.</param>
    /// <param name="architecture">The network.</param>
    /// <exception cref="ArgumentException">An entry names no layer, or a range runs backwards; the message lists the valid names.</exception>
    public static IReadOnlyList<string> Resolve(IEnumerable<string> spec, AlexNetArchitecture architecture)
    {
        var layers = LayerNames(architecture);
        int convs = architecture.Convs.Count;
        var chosen = new HashSet<int>();
        foreach (var entry in spec.SelectMany(s => s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            int Index(string name) => layers.ToList().IndexOf(name.ToLowerInvariant()) is var i and >= 0 ? i
                : throw new ArgumentException($"'{name}' in '{entry}' is not a layer; use {string.Join(", ", layers)}, a range such as {layers[0]}-{layers[convs - 1]}, features ({layers[0]}-{layers[convs - 1]}) or classifier ({layers[convs]}-{layers[^1]}).");
            var (from, to) = entry.ToLowerInvariant() switch
            {
                "features" => (0, convs - 1),
                "classifier" => (convs, layers.Count - 1),
                var e when e.Split('-') is [var a, var b] => (Index(a), Index(b)),
                _ => (Index(entry), Index(entry)),
            };
            if (from > to) throw new ArgumentException($"The range '{entry}' runs backwards; write it from the input side, {layers[to]}-{layers[from]}.");
            for (int i = from; i <= to; i++) chosen.Add(i);
        }
        return [.. chosen.Order().Select(i => layers[i])];
    }

    /// <summary>Whether a parameter of the model (towers.0.conv1.weight, towers.1.bn2.bias, fc8.weight) belongs to one of
    /// the frozen layers; batch norm i goes with conv i.</summary>
    /// <param name="parameterName">Name as <c>named_parameters()</c> gives it.</param>
    /// <param name="frozenLayers">Layers from <see cref="Resolve"/>.</param>
    public static bool IsFrozen(string parameterName, IReadOnlyCollection<string> frozenLayers)
    {
        var parts = parameterName.Split('.');
        var layer = parts.Length >= 2 ? parts[^2] : parameterName;
        if (layer.StartsWith("bn", StringComparison.Ordinal)) layer = "conv" + layer[2..];
        return frozenLayers.Contains(layer);
    }
}
