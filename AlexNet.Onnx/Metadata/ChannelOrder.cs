namespace AlexNet.Onnx.Metadata;

/// <summary>Order of the colour planes the network reads.</summary>
public enum ChannelOrder
{
    /// <summary>Red, green, blue planes (the paper, torchvision). Written as "RGB".</summary>
    Rgb,
    /// <summary>One luminance plane (Fashion-MNIST). Written as "Gray".</summary>
    Gray,
    /// <summary>Blue, green, red planes, for Caffe-style foreign models. Written as "BGR".</summary>
    Bgr,
}
