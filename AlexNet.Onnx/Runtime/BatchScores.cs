namespace AlexNet.Onnx.Runtime;

/// <summary>Scores of a batch of crops, row-major: crop i's values start at i × width.</summary>
/// <param name="Count">Crops scored.</param>
/// <param name="NumClasses">Classes per crop.</param>
/// <param name="Probabilities">Softmax outputs, Count × NumClasses.</param>
/// <param name="Logits">Scores before the softmax, Count × NumClasses.</param>
/// <param name="Features">fc7 features, Count × feature size, or null when the model has no feature output.</param>
public sealed record BatchScores(int Count, int NumClasses, float[] Probabilities, float[] Logits, float[]? Features)
{
    /// <summary>Probabilities of one crop.</summary>
    /// <param name="index">Crop index.</param>
    public ReadOnlySpan<float> ProbabilitiesOf(int index) => Probabilities.AsSpan(index * NumClasses, NumClasses);

    /// <summary>Logits of one crop.</summary>
    /// <param name="index">Crop index.</param>
    public ReadOnlySpan<float> LogitsOf(int index) => Logits.AsSpan(index * NumClasses, NumClasses);

    /// <summary>The most probable class of one crop.</summary>
    /// <param name="index">Crop index.</param>
    public int Top1(int index)
    {
        var p = ProbabilitiesOf(index);
        int best = 0;
        for (int k = 1; k < p.Length; k++) if (p[k] > p[best]) best = k;
        return best;
    }
}
