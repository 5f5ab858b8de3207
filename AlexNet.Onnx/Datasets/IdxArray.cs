namespace AlexNet.Onnx.Datasets;

/// <summary>The contents of an IDX file of unsigned bytes (MNIST, Fashion-MNIST).</summary>
/// <param name="Dimensions">Sizes from the header, e.g. [60000, 28, 28] for images, [60000] for labels.</param>
/// <param name="Data">The values, row-major.</param>
public sealed record IdxArray(int[] Dimensions, byte[] Data)
{
    /// <summary>Number of items along the first dimension.</summary>
    public int Count => Dimensions[0];

    /// <summary>Values per item (the product of the remaining dimensions).</summary>
    public int ItemSize => Dimensions.Skip(1).Aggregate(1, (a, d) => a * d);
}
