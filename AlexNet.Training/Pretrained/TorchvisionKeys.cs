namespace AlexNet.Training.Pretrained;

/// <summary>
/// torchvision's AlexNet (torchvision.models.alexnet) names its layers by their index in two nn.Sequential blocks;
/// ours are one tower's conv1 … fc7 and fc8. torchvision's features hold Conv, ReLU, MaxPool in that order, so the
/// convs sit at 0, 3, 6, 8, 10; its classifier is Dropout, Linear, ReLU, Dropout, Linear, ReLU, Linear, so the
/// linear layers sit at 1, 4, 6. Sizes: conv1 64×3×11×11, conv2 192, conv3 384, conv4 256, conv5 256, fc6 4096×9216,
/// fc7 4096×4096, fc8 1000×4096.
/// </summary>
public static class TorchvisionKeys
{
    /// <summary>torchvision's layer prefix and ours, in network order; each has .weight and .bias.</summary>
    public static IReadOnlyList<(string Torchvision, string Ours)> Layers { get; } =
    [
        ("features.0", "towers.0.conv1"),
        ("features.3", "towers.0.conv2"),
        ("features.6", "towers.0.conv3"),
        ("features.8", "towers.0.conv4"),
        ("features.10", "towers.0.conv5"),
        ("classifier.1", "towers.0.fc6"),
        ("classifier.4", "towers.0.fc7"),
        ("classifier.6", "fc8"),
    ];

    private static readonly string[] Suffixes = [".weight", ".bias"];
    private static readonly Dictionary<string, string> ToOursMap = Layers
        .SelectMany(l => Suffixes.Select(s => (l.Torchvision + s, l.Ours + s))).ToDictionary(p => p.Item1, p => p.Item2, StringComparer.Ordinal);
    private static readonly Dictionary<string, string> ToTorchvisionMap = ToOursMap.ToDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);

    /// <summary>True when the names look like torchvision's AlexNet (some start with features. or classifier.), so
    /// that <see cref="ToOurs"/> applies to them.</summary>
    /// <param name="names">A file's tensor names, any "module." prefix already removed.</param>
    public static bool Apply(IEnumerable<string> names) =>
        names.Any(n => n.StartsWith("features.", StringComparison.Ordinal) || n.StartsWith("classifier.", StringComparison.Ordinal));

    /// <summary>Our name for a torchvision tensor name ("features.3.weight" → "towers.0.conv2.weight"), or null when
    /// the name is not one of torchvision AlexNet's.</summary>
    /// <param name="torchvisionName">torchvision's name.</param>
    public static string? ToOurs(string torchvisionName) => ToOursMap.GetValueOrDefault(torchvisionName);

    /// <summary>torchvision's name for one of ours ("fc8.bias" → "classifier.6.bias"), or null for a tensor torchvision's
    /// AlexNet does not have (a second tower, batch norm).</summary>
    /// <param name="ourName">Our name.</param>
    public static string? ToTorchvision(string ourName) => ToTorchvisionMap.GetValueOrDefault(ourName);
}
