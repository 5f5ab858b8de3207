namespace AlexNet.Onnx.Model;

/// <summary>A dense float tensor in row-major (C) order.</summary>
/// <param name="Shape">Dimensions.</param>
/// <param name="Data">Values, row-major.</param>
public sealed record WeightTensor(int[] Shape, float[] Data)
{
    /// <summary>Number of elements the shape holds.</summary>
    public long ElementCount => Shape.Aggregate(1L, (a, d) => a * d);
}

/// <summary>
/// The trained parameters in merged form, the form the ONNX graph uses: for each layer the towers'
/// tensors are concatenated along the output dimension (tower 0 first), so a layer whose towers stay
/// apart becomes one grouped convolution. Names: conv1.weight, conv1.bias, … conv5.bias, fc6.weight,
/// fc6.bias, fc7.weight, fc7.bias, fc8.weight, fc8.bias. Shapes follow PyTorch: conv weights are
/// [out, in/groups, k, k], linear weights are [out, in].
/// </summary>
public sealed class AlexNetWeights : Dictionary<string, WeightTensor>
{
    /// <summary>The merged parameter names and shapes an architecture needs, in graph order.</summary>
    /// <param name="a">The architecture.</param>
    public static IReadOnlyList<(string Name, int[] Shape)> ExpectedShapes(AlexNetArchitecture a)
    {
        var list = new List<(string, int[])>();
        for (int i = 0; i < a.Convs.Count; i++)
        {
            var c = a.Convs[i];
            int outC = a.ConvOutChannels(i);
            list.Add(($"{c.Name}.weight", [outC, a.ConvInChannelsPerTower(i), c.Kernel, c.Kernel]));
            list.Add(($"{c.Name}.bias", [outC]));
        }
        int fc6 = a.FullyConnectedPerTower[0] * a.Towers, fc7 = a.FullyConnectedPerTower[1] * a.Towers;
        list.Add(("fc6.weight", [fc6, a.Fc6Inputs]));
        list.Add(("fc6.bias", [fc6]));
        list.Add(("fc7.weight", [fc7, fc6]));
        list.Add(("fc7.bias", [fc7]));
        list.Add(("fc8.weight", [a.NumClasses, fc7]));
        list.Add(("fc8.bias", [a.NumClasses]));
        return list;
    }

    /// <summary>Checks that every expected tensor is present with the right shape and length.</summary>
    /// <param name="a">The architecture the weights must fit.</param>
    /// <exception cref="ArgumentException">Names the first missing or mis-shaped tensor.</exception>
    public void Validate(AlexNetArchitecture a)
    {
        foreach (var (name, shape) in ExpectedShapes(a))
        {
            if (!TryGetValue(name, out var t))
                throw new ArgumentException($"Weights lack '{name}' (expected shape [{string.Join(", ", shape)}]).");
            if (!t.Shape.SequenceEqual(shape))
                throw new ArgumentException($"Weight '{name}' has shape [{string.Join(", ", t.Shape)}], expected [{string.Join(", ", shape)}].");
            if (t.Data.LongLength != t.ElementCount)
                throw new ArgumentException($"Weight '{name}' holds {t.Data.LongLength} values, its shape needs {t.ElementCount}.");
        }
    }

    /// <summary>
    /// Seeded He-uniform weights (bound √(6 / fan-in), biases ±0.1): an untrained network whose activations stay
    /// O(1), for speed measurements, smoke tests and GPU checks where only the plumbing matters.
    /// </summary>
    /// <param name="architecture">The network.</param>
    /// <param name="seed">Random seed; the same seed gives the same weights.</param>
    /// <param name="conv1Scale">Extra factor on conv1's bound, e.g. 1/60 for raw 0–255 pixels, so the logits stay moderate.</param>
    public static AlexNetWeights RandomUniform(AlexNetArchitecture architecture, int seed, float conv1Scale = 1f)
    {
        var random = new Random(seed);
        var weights = new AlexNetWeights();
        foreach (var (name, shape) in ExpectedShapes(architecture))
        {
            var data = new float[shape.Aggregate(1, (a, d) => a * d)];
            bool bias = name.EndsWith(".bias", StringComparison.Ordinal);
            float bound = bias ? 0.1f : MathF.Sqrt(6f / shape.Skip(1).Aggregate(1, (a, d) => a * d));
            if (name == "conv1.weight") bound *= conv1Scale;
            for (int i = 0; i < data.Length; i++) data[i] = (random.NextSingle() * 2 - 1) * bound;
            weights[name] = new WeightTensor(shape, data);
        }
        return weights;
    }
}
