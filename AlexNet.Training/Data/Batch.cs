using TorchSharp;
using static TorchSharp.torch;

namespace AlexNet.Training.Data;

/// <summary>One mini-batch, ready to become a tensor.</summary>
/// <param name="Images">Count × CropsPerImage × C × S × S floats, image-major (the crops of one image are adjacent).</param>
/// <param name="Labels">Count labels, one per image (not per crop).</param>
/// <param name="Count">Images in this batch (the last batch of an epoch may be short).</param>
/// <param name="Indices">The dataset index of each image.</param>
/// <param name="CropsPerImage">1, or 10 for ten-crop.</param>
public sealed record Batch(float[] Images, int[] Labels, int Count, int[] Indices, int CropsPerImage)
{
    /// <summary>The crops as the network's input [Count × CropsPerImage, channels, size, size], times
    /// <paramref name="pixelScale"/>, on <paramref name="device"/>; made in the current dispose scope.</summary>
    /// <param name="channels">C.</param>
    /// <param name="size">S, the crop side.</param>
    /// <param name="pixelScale">Factor on every pixel (1/255 for 0–255 images).</param>
    /// <param name="device">Where the network reads it.</param>
    public Tensor ToTensor(int channels, int size, double pixelScale, Device device)
    {
        // The scale is held for the call: a temporary Scalar may be finalised while libtorch reads it (see LocalResponseNorm).
        using var scale = pixelScale.ToScalar();
        return tensor(Images, [Count * CropsPerImage, channels, size, size]).mul_(scale).to(device);
    }
}
