using AlexNet.Onnx.Model;

namespace AlexNet.Bench.Compute;

/// <summary>
/// Floating-point operations of one forward pass, counted from the architecture: a multiply-add is 2 FLOPs, in the
/// convolutions (output pixels × kernels × inputs per group × k²) and the fully-connected layers (inputs × outputs).
/// ReLU, LRN, pooling and softmax are left out (under 1% for the paper net).
/// </summary>
public static class ModelFlops
{
    /// <summary>FLOPs per image (one crop) of the forward pass.</summary>
    /// <param name="a">The architecture.</param>
    public static double Forward(AlexNetArchitecture a)
    {
        double flops = 0;
        int side = a.InputSize;
        for (int i = 0; i < a.Convs.Count; i++)
        {
            var c = a.Convs[i];
            int outSide = (side + 2 * c.Padding - c.Kernel) / c.Stride + 1;
            int inputsPerKernel = a.ConvInChannelsPerTower(i) * c.Kernel * c.Kernel;
            flops += 2.0 * outSide * outSide * a.ConvOutChannels(i) * inputsPerKernel;
            side = c.MaxPool ? (outSide - a.PoolKernel) / a.PoolStride + 1 : outSide;
        }
        int fcIn = a.Fc6Inputs;
        foreach (int units in a.FullyConnectedPerTower.Select(f => f * a.Towers))
        {
            flops += 2.0 * fcIn * units;
            fcIn = units;
        }
        return flops + 2.0 * fcIn * a.NumClasses;
    }

    /// <summary>
    /// FLOPs per image of a training step, taken as 3× the forward pass (the backward pass computes gradients for both
    /// the inputs and the weights of every layer, each about one forward pass).
    /// </summary>
    /// <param name="a">The architecture.</param>
    public static double TrainingStep(AlexNetArchitecture a) => 3 * Forward(a);
}
