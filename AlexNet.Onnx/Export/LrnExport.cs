namespace AlexNet.Onnx.Export;

/// <summary>How the exported graph expresses local response normalisation (section 3.3).</summary>
public enum LrnExport
{
    /// <summary>
    /// Mul (a²), a 1×1 convolution with a band of α's and bias k (the sum over n adjacent kernels of one tower), the
    /// power β (two Sqrt for the paper's 0.75), Div. The default: ONNX Runtime's CPU LRN kernel is single-threaded.
    /// </summary>
    BandConvolution,

    /// <summary>
    /// ONNX's own LRN operator, one per tower between Split and Concat: the compact form, for runtimes with a fast
    /// LRN kernel. For an even n its window (⌊(n−1)/2⌋ before, ⌈(n−1)/2⌉ after) differs from the training module's.
    /// </summary>
    OnnxOperator,
}
