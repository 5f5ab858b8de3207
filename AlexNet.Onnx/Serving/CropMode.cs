namespace AlexNet.Onnx.Serving;

/// <summary>Which part of the prepared R×R image the network sees when an image is classified.</summary>
public enum CropMode
{
    /// <summary>
    /// The paper's test-time averaging (section 4.1): the four corner crops and the centre crop of the R×R image and
    /// their horizontal reflections, ten softmax outputs averaged. Order: top-left, top-right, bottom-left,
    /// bottom-right, centre, then the same five mirrored (torchvision's <c>TenCrop</c> order).
    /// </summary>
    TenCrop,
    /// <summary>The single centre crop at offset (R − S) / 2 on both axes: one network pass, the usual single-crop evaluation.</summary>
    CentreCrop,
    /// <summary>
    /// The whole R×R image, mean subtracted, resized to S×S inside the graph (ONNX <c>Resize</c>, linear, half-pixel);
    /// when R equals S it goes in unchanged. The network then sees the full field of view at a slightly smaller scale
    /// than in training; one network pass.
    /// </summary>
    WholeImage,
}
