using AlexNet.Onnx.Model;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using F = TorchSharp.torch.nn.functional;

namespace AlexNet.Training.Model;

/// <summary>One of the paper's two GPU towers: half the kernels of every layer but fc8 (section 3.2).</summary>
public sealed class Tower : Module<Tensor, Tensor>
{
    private readonly Conv2d conv1, conv2, conv3, conv4, conv5;
    private readonly Linear fc6, fc7;
    private readonly LocalResponseNorm? lrn;
    private readonly BatchNorm2d? bn1, bn2, bn3, bn4, bn5;
    private readonly AlexNetArchitecture a;

    /// <summary>Builds one tower's layers.</summary>
    /// <param name="architecture">Layer sizes.</param>
    public Tower(AlexNetArchitecture architecture) : base("Tower")
    {
        a = architecture;
        Conv2d Make(int i) => Conv2d(a.ConvInChannelsPerTower(i), a.Convs[i].OutChannelsPerTower, a.Convs[i].Kernel,
            stride: a.Convs[i].Stride, padding: a.Convs[i].Padding);
        conv1 = Make(0); conv2 = Make(1); conv3 = Make(2); conv4 = Make(3); conv5 = Make(4);
        fc6 = Linear(a.Fc6Inputs, a.FullyConnectedPerTower[0]);
        fc7 = Linear(a.FullyConnectedPerTower[0] * a.Towers, a.FullyConnectedPerTower[1]);
        if (a.Lrn != null) lrn = new LocalResponseNorm(a.Lrn);
        if (a.BatchNorm)
        {
            BatchNorm2d Norm(int i) => BatchNorm2d(a.Convs[i].OutChannelsPerTower);
            bn1 = Norm(0); bn2 = Norm(1); bn3 = Norm(2); bn4 = Norm(3); bn5 = Norm(4);
        }
        RegisterComponents();
    }

    /// <summary>conv1 … conv5 by index.</summary>
    /// <param name="layer">0–4.</param>
    public Conv2d Conv(int layer) => layer switch { 0 => conv1, 1 => conv2, 2 => conv3, 3 => conv4, 4 => conv5, _ => throw new ArgumentOutOfRangeException(nameof(layer)) };

    /// <summary>The batch normalisation after conv1 … conv5 by index; null when the architecture has none.</summary>
    /// <param name="layer">0–4.</param>
    public BatchNorm2d? Norm(int layer) => layer switch { 0 => bn1, 1 => bn2, 2 => bn3, 3 => bn4, 4 => bn5, _ => throw new ArgumentOutOfRangeException(nameof(layer)) };

    /// <summary>fc6 (0) or fc7 (1).</summary>
    /// <param name="index">0 or 1.</param>
    public Linear Fc(int index) => index == 0 ? fc6 : fc7;

    /// <summary>This tower's LRN, null when LRN is off.</summary>
    public LocalResponseNorm? Lrn => lrn;

    /// <summary>Conv layer → batch norm → activation → LRN → max-pool, as the layer and architecture ask.</summary>
    /// <param name="layer">0–4.</param>
    /// <param name="x">This tower's input to the layer.</param>
    public Tensor ConvStage(int layer, Tensor x)
    {
        var c = a.Convs[layer];
        x = Conv(layer).forward(x);
        if (Norm(layer) is { } bn) x = bn.forward(x);
        x = Activate(a, x);
        if (c.LocalResponseNorm && lrn != null) x = lrn.forward(x);
        if (c.MaxPool) x = F.max_pool2d(x, a.PoolKernel, a.PoolStride);
        return x;
    }

    /// <summary>fc6 or fc7 → activation → dropout (section 4.2).</summary>
    /// <param name="index">0 for fc6, 1 for fc7.</param>
    /// <param name="x">Input from both towers.</param>
    /// <param name="training">Whether dropout is active.</param>
    public Tensor FullyConnected(int index, Tensor x, bool training) =>
        F.dropout(Activate(a, Fc(index).forward(x)), a.Dropout, training);

    /// <summary>The configured non-linearity.</summary>
    /// <param name="architecture">Holds the activation choice.</param>
    /// <param name="x">Pre-activation.</param>
    public static Tensor Activate(AlexNetArchitecture architecture, Tensor x) =>
        architecture.Activation == Activation.Relu ? F.relu(x) : tanh(x);

    /// <summary>Towers are driven by <see cref="AlexNetModel"/>; a tower alone runs conv1–conv2 only.</summary>
    /// <param name="input">Image crops.</param>
    public override Tensor forward(Tensor input) => ConvStage(1, ConvStage(0, input));
}
