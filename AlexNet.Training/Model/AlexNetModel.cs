using AlexNet.Onnx.Model;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using F = TorchSharp.torch.nn.functional;

namespace AlexNet.Training.Model;

/// <summary>
/// The paper's AlexNet (Krizhevsky et al. 2012, section 3), built from an <see cref="AlexNetArchitecture"/>: conv1 …
/// conv5, fc6, fc7 in each of two towers, which talk only at conv3, fc6, fc7 and fc8 (Figure 2), then fc8. Parameters
/// live per tower (towers.0.conv1.weight …), so a checkpoint is the same wherever the towers run. Towers that share a
/// device run together, their kernels concatenated into grouped convolutions; towers on devices of their own (the
/// paper's two GPUs) run apart, and activations cross only where the towers talk. One forward pass serves both.
/// </summary>
public sealed class AlexNetModel : Module<Tensor, Tensor>
{
    private readonly ModuleList<Tower> towers;
    private readonly Linear fc8;
    private readonly LocalResponseNorm? lrn;
    private int[][] groups = [];   // tower indices that run together, one entry per device in use
    private Device[] groupDevices = [];

    /// <summary>The architecture this model was built from.</summary>
    public AlexNetArchitecture Architecture { get; }

    /// <summary>Builds the network with the given initialisation, on the CPU.</summary>
    /// <param name="architecture">Layer sizes and ablation switches.</param>
    /// <param name="init">Weight initialisation scheme.</param>
    public AlexNetModel(AlexNetArchitecture architecture, InitScheme init = InitScheme.Kaiming) : base("AlexNet")
    {
        Architecture = architecture;
        towers = new ModuleList<Tower>([.. Enumerable.Range(0, architecture.Towers).Select(_ => new Tower(architecture))]);
        fc8 = Linear(architecture.FeatureSize, architecture.NumClasses);
        if (architecture.Lrn is { } settings) lrn = new LocalResponseNorm(settings);
        RegisterComponents();
        PlaceOnOneDevice(CPU);
        Initialisation.Apply(this, init);
    }

    /// <summary>The towers, in order.</summary>
    public IReadOnlyList<Tower> Towers => [.. towers];
    /// <summary>fc8, which reads both towers' fc7 and produces the class scores.</summary>
    public Linear Fc8 => fc8;
    /// <summary>True when the towers run apart, each on a device of its own.</summary>
    public bool TowersApart => groups.Length > 1;
    /// <summary>The device that takes the input and returns the output.</summary>
    public Device InputDevice => groupDevices[0];
    /// <summary>Runs every layer in its straightforward form: LRN as the formula written out
    /// (<see cref="LocalResponseNorm.Direct"/>, autograd through every step) instead of the fused or band form, activations
    /// into new tensors instead of in place, libtorch's max-pooling instead of <see cref="MaxPool"/>. The reference the faster forms are tested against, and the bench's
    /// "before" row; the same numbers within float rounding, slower.</summary>
    public bool ReferenceForms { get; set; }
    /// <summary>
    /// The layout of the convolutional layers' activations on the CPU (float32), as PyTorch's <c>torch.memory_format</c>
    /// names it; <see cref="MemoryFormat.Contiguous"/> unless set. With <see cref="MemoryFormat.ChannelsLast"/> the input
    /// crops are converted to NHWC once, before conv1, and every layer after keeps that layout: oneDNN's convolutions
    /// read and write it without converting activations and gradients to and from their blocked layout, and
    /// <see cref="LocalResponseNorm"/> and <see cref="MaxPool"/> run their NHWC forms. Parameters stay contiguous, so
    /// checkpoints and the ONNX export are the same either way; fc6 reads the maps in PyTorch's [C, H, W] order, so its
    /// weights mean the same; <see cref="Trunk"/> and <see cref="Stages"/> return contiguous maps. The same numbers within
    /// float rounding. Towers on other devices keep the contiguous layout.
    /// </summary>
    public MemoryFormat MemoryFormat { get; set; }

    /// <summary>Puts tower i on <paramref name="devices"/>[i] (cuda:0 and cuda:1 in the paper), to run apart; fc8 goes with tower 0.</summary>
    /// <param name="devices">One device per tower (the same device twice keeps the towers apart on it).</param>
    public AlexNetModel PlaceTowers(Device[] devices)
    {
        if (devices.Length != towers.Count)
            throw new ArgumentException($"{towers.Count} tower(s) need {towers.Count} device(s), got {devices.Length}.");
        return Place([.. Enumerable.Range(0, towers.Count).Select(i => new[] { i })], devices);
    }

    /// <summary>Puts the whole network on one device, where the towers run together as grouped convolutions.</summary>
    /// <param name="device">Target device.</param>
    public AlexNetModel PlaceOnOneDevice(Device device) => Place([[.. Enumerable.Range(0, towers.Count)]], [device]);

    private AlexNetModel Place(int[][] towerGroups, Device[] devices)
    {
        for (int g = 0; g < towerGroups.Length; g++)
            foreach (int t in towerGroups[g]) towers[t].to(devices[g]);
        fc8.to(devices[0]);
        (groups, groupDevices) = (towerGroups, devices);
        return this;
    }

    /// <summary>Class scores (logits) for a batch of mean-subtracted crops [N, C, S, S].</summary>
    /// <param name="input">The crops.</param>
    public override Tensor forward(Tensor input) => ForwardWithFeatures(input).Logits;

    /// <summary>Logits and the fc7 feature vector (section 6.1).</summary>
    /// <param name="input">Mean-subtracted crops [N, C, S, S].</param>
    public (Tensor Logits, Tensor Features) ForwardWithFeatures(Tensor input)
    {
        Tensor[] fc7 = [];
        foreach (var (stage, h) in Run(input))
            if (stage == "fc7") fc7 = h;
        var features = Gather(fc7, groupDevices[0]);
        return (fc8.forward(features), features);
    }

    /// <summary>The convolutional trunk alone: conv1 … conv5 with their pooling (and the average pooling to
    /// <see cref="AlexNetArchitecture.AveragePoolTo"/> where the architecture has it), both towers' maps together,
    /// [N, conv5 channels, side, side] on <see cref="InputDevice"/>: what fc6 reads, <see cref="AlexNetArchitecture.Fc6Inputs"/>
    /// values per image. ML.NET's image trainer calls it the bottleneck. <c>Head(Trunk(x))</c> is <c>forward(x)</c>.</summary>
    /// <param name="input">Mean-subtracted crops [N, C, S, S].</param>
    public Tensor Trunk(Tensor input)
    {
        Tensor[] conv5 = [];
        foreach (var (_, h) in RunConvolutions(input)) conv5 = h;
        return Gather(AveragePooled(conv5), groupDevices[0]).contiguous();
    }

    /// <summary>Class scores from the trunk's output: fc6, fc7 (with their dropout in training mode) and fc8, exactly as
    /// <see cref="forward"/> runs them after the trunk.</summary>
    /// <param name="trunk">What <see cref="Trunk"/> returned, as [N, Fc6Inputs] or [N, channels, side, side].</param>
    public Tensor Head(Tensor trunk)
    {
        Tensor[] fc7 = [];
        // One part holding every tower's maps: each group gathers all of them for fc6 anyway.
        foreach (var (_, h) in RunFullyConnected([trunk])) fc7 = h;
        return fc8.forward(Gather(fc7, groupDevices[0]));
    }

    /// <summary>Every stage's output in order, both towers' channels together: conv1 … conv5 (after pooling), fc6, fc7.
    /// For looking inside the network (feature maps, their sizes), as torchvision's feature extraction does.</summary>
    /// <param name="input">Mean-subtracted crops [N, C, S, S].</param>
    public IEnumerable<(string Stage, Tensor Output)> Stages(Tensor input) =>
        Run(input).Select(s => (s.Stage, Gather(s.Groups, groupDevices[0]).contiguous()));

    // One pass over the layers, each a list of per-device activations (one entry when all towers share a device).
    private IEnumerable<(string Stage, Tensor[] Groups)> Run(Tensor input)
    {
        Tensor[] conv5 = [];
        foreach (var stage in RunConvolutions(input))
        {
            conv5 = stage.Groups;
            yield return stage;
        }
        foreach (var stage in RunFullyConnected(AveragePooled(conv5))) yield return stage;
    }

    private Tensor[] AveragePooled(Tensor[] conv5) =>
        Architecture.AveragePoolTo is int side ? [.. conv5.Select(x => F.adaptive_avg_pool2d(x, [side, side]))] : conv5;

    // conv1 … conv5, each a list of per-device activations in the layout they are computed in (internal for the tests
    // that check it).
    internal IEnumerable<(string Stage, Tensor[] Groups)> RunConvolutions(Tensor input)
    {
        var a = Architecture;
        var formats = groupDevices.Select(d => MemoryFormat == MemoryFormat.ChannelsLast && d.type == DeviceType.CPU && input.dtype == ScalarType.Float32
            ? MemoryFormat.ChannelsLast : MemoryFormat.Contiguous).ToArray();
        var h = groupDevices.Select((d, g) => formats[g] == MemoryFormat.ChannelsLast ? ChannelsLast.Of(input.to(d)) : input.to(d)).ToArray();
        for (int i = 0; i < a.Convs.Count; i++)
        {
            var c = a.Convs[i];
            // conv1 reads the image and conv3 both towers' maps (section 3.5); the others only their own tower's.
            bool readsAll = i == 0 || c.ReadsBothTowers;
            var previous = h;
            h = [.. groups.Select((members, g) =>
            {
                var x = readsAll && i > 0 ? Gather(previous, groupDevices[g]) : previous[g];
                x = F.conv2d(x, Joined(members, t => t.Convs[i].weight!), Joined(members, t => t.Convs[i].bias!),
                    strides: [c.Stride, c.Stride], padding: [c.Padding, c.Padding], groups: readsAll ? 1 : members.Length);
                if (a.BatchNorm) x = BatchNorm(x, members, i);
                x = Activate(x);
                if (c.LocalResponseNorm && lrn != null) x = ReferenceForms ? lrn.Direct(x, members.Length) : lrn.Apply(x, members.Length, formats[g]);
                if (!c.MaxPool) return x;
                return ReferenceForms ? F.max_pool2d(x, a.PoolKernel, a.PoolStride) : MaxPool.Apply(x, a.PoolKernel, a.PoolStride, formats[g]);
            })];
            yield return (c.Name, h);
        }
    }

    // fc6 and fc7 from the (average-pooled) conv5 maps; fc6 gathers every part of them onto each group's device.
    private IEnumerable<(string Stage, Tensor[] Groups)> RunFullyConnected(Tensor[] h)
    {
        var a = Architecture;
        bool dropoutBefore = a.DropoutPlacement == DropoutPlacement.BeforeFc6AndFc7;
        for (int f = 0; f < a.FullyConnectedPerTower.Count; f++)
        {
            // fc6 reads every tower's conv5 maps, fc7 every tower's fc6 (inverted dropout, section 4.2; see README).
            var previous = h;
            h = [.. groups.Select((members, g) =>
            {
                // flatten reads [C, H, W] order whatever the maps' layout (a copy from channels-last maps), so fc6's
                // weights mean the same in both memory formats.
                var x = Gather(previous, groupDevices[g]).flatten(1);
                if (dropoutBefore) x = F.dropout(x, a.Dropout, training);
                x = Activate(F.linear(x, Joined(members, t => t.FullyConnected[f].weight!), Joined(members, t => t.FullyConnected[f].bias!)));
                return dropoutBefore ? x : F.dropout(x, a.Dropout, training);
            })];
            yield return ($"fc{6 + f}", h);
        }
    }

    // In place: x is always a convolution's, batch norm's or linear layer's fresh output, which their backward passes do
    // not read (ReLU's and tanh's read their own result), so no activation-sized tensor is allocated.
    private Tensor Activate(Tensor x) => Architecture.Activation == Activation.Relu ? F.relu(x, inplace: !ReferenceForms) : F.tanh(x, inplace: !ReferenceForms);

    // The towers' kernels of one layer side by side, tower order, as one grouped layer's.
    private Tensor Joined(int[] members, Func<Tower, Tensor> parameter) =>
        members.Length == 1 ? parameter(towers[members[0]]) : cat([.. members.Select(t => parameter(towers[t]))], 0);

    // Batch norm keeps parameters and statistics per tower. Every channel is normalised on its own, so towers that run
    // together go through one call over their parameters and statistics joined, and each tower then takes its half of
    // the updated statistics back: the same numbers as a module per tower, read in the maps' own layout. Normalising each
    // tower's half of the channels apart read channels-last maps through strided views, which libtorch copied to
    // contiguous ones and back (the batch-norm recipe trained at 0.55x the speed of contiguous maps).
    private Tensor BatchNorm(Tensor x, int[] members, int layer)
    {
        var norms = members.Select(t => towers[t].Norms[layer]).ToArray();
        if (norms.Length == 1) return norms[0].forward(x);
        using var mean = cat([.. norms.Select(n => n.running_mean!)], 0);
        using var variance = cat([.. norms.Select(n => n.running_var!)], 0);
        var y = F.batch_norm(x, mean, variance, cat([.. norms.Select(n => (Tensor)n.weight!)], 0), cat([.. norms.Select(n => (Tensor)n.bias!)], 0),
            training, norms[0].momentum ?? 0.1, norms[0].eps);
        if (training)
            using (no_grad())
            {
                long channels = norms[0].running_mean!.shape[0];
                for (int k = 0; k < norms.Length; k++)
                {
                    norms[k].running_mean!.copy_(mean.narrow(0, k * channels, channels));
                    norms[k].running_var!.copy_(variance.narrow(0, k * channels, channels));
                    norms[k].num_batches_tracked?.add_(1);
                }
            }
        return y;
    }

    private static Tensor Gather(Tensor[] parts, Device device) =>
        parts.Length == 1 ? parts[0].to(device) : cat([.. parts.Select(p => p.to(device))], 1);

    /// <summary>
    /// Everything a checkpoint must hold to rebuild the model: the trainable parameters and the floating-point
    /// buffers (batch norm's running mean and variance), by name. Batch norm's integer step counter is left out: it
    /// only sets the averaging rate when the momentum is null, and ours is PyTorch's fixed 0.1.
    /// </summary>
    public IEnumerable<(string Name, Tensor Tensor)> NamedState() =>
        named_parameters().Select(p => (p.name, (Tensor)p.parameter))
            .Concat(named_buffers().Where(b => b.buffer.dtype == ScalarType.Float32).Select(b => (b.name, b.buffer)));

    /// <summary>Number of trainable parameters.</summary>
    public long ParameterCount => parameters().Sum(p => p.numel());
}

/// <summary>One of the paper's two GPU towers: its half of the kernels of every layer but fc8 (section 3.2), named as the
/// architecture names them (conv1 … conv5, bn1 … bn5 with batch norm, fc6, fc7).</summary>
public sealed class Tower : Module
{
    /// <summary>conv1 … conv5.</summary>
    public IReadOnlyList<Conv2d> Convs { get; }
    /// <summary>The batch normalisation after each conv layer; empty when the architecture has none.</summary>
    public IReadOnlyList<BatchNorm2d> Norms { get; }
    /// <summary>fc6 and fc7.</summary>
    public IReadOnlyList<Linear> FullyConnected { get; }

    /// <summary>Builds one tower's layers from the architecture table.</summary>
    /// <param name="a">Layer sizes.</param>
    public Tower(AlexNetArchitecture a) : base("Tower")
    {
        Convs = [.. a.Convs.Select((c, i) => Register(c.Name, Conv2d(a.ConvInChannelsPerTower(i), c.OutChannelsPerTower, c.Kernel, stride: c.Stride, padding: c.Padding)))];
        Norms = a.BatchNorm ? [.. a.Convs.Select((c, i) => Register($"bn{i + 1}", BatchNorm2d(c.OutChannelsPerTower)))] : [];
        int[] inputs = [a.Fc6Inputs, .. a.FullyConnectedPerTower.SkipLast(1).Select(units => units * a.Towers)];
        FullyConnected = [.. a.FullyConnectedPerTower.Select((units, f) => Register($"fc{6 + f}", Linear(inputs[f], units)))];
    }

    private T Register<T>(string name, T module) where T : Module
    {
        register_module(name, module);
        return module;
    }
}
