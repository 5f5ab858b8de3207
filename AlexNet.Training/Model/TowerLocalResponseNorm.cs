using static TorchSharp.torch;

namespace AlexNet.Training.Model;

/// <summary>
/// LRN applied inside each tower of a merged activation (section 3.3): the channel window never crosses
/// from one tower's kernels into the other's, as on the paper's two GPUs.
/// </summary>
public static class TowerLocalResponseNorm
{
    /// <summary>Normalises each tower's slice of the channels with that tower's LRN.</summary>
    /// <param name="x">Activations [N, towers × C, H, W], tower 0's channels first.</param>
    /// <param name="towers">The towers whose LRN modules apply.</param>
    public static Tensor Apply(Tensor x, IReadOnlyList<Tower> towers) =>
        towers.Count == 1 ? towers[0].Lrn!.forward(x)
        : cat(x.chunk(towers.Count, 1).Select((part, i) => towers[i].Lrn!.forward(part)).ToArray(), 1);
}
