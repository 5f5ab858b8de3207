namespace AlexNet.Onnx.Export;

/// <summary>Names of the graph inputs and outputs in files this library writes.</summary>
public static class AlexNetOnnxNames
{
    /// <summary>Input: float [batch, channels, size, size], the crop already scaled and mean-subtracted.</summary>
    public const string Input = "input";
    /// <summary>Output: float [batch, fc7 units], the fc7 activations used as image features (section 6.1).</summary>
    public const string Features = "features";
    /// <summary>Output: float [batch, classes], fc8 before the softmax.</summary>
    public const string Logits = "logits";
    /// <summary>Output: float [batch, classes], the softmax of the logits.</summary>
    public const string Probabilities = "probabilities";
    /// <summary>Symbolic name of the dynamic batch dimension.</summary>
    public const string BatchDimension = "batch";
}
