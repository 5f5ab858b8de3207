using AlexNet.Onnx.Model;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using F = TorchSharp.torch.nn.functional;

namespace AlexNet.Training.Model;

/// <summary>
/// The paper's AlexNet (Krizhevsky et al. 2012, section 3): two towers that talk only at conv3, fc6,
/// fc7 and fc8. Parameters live per tower (towers.0.conv1.weight …), so a checkpoint is the same
/// whether the towers sit on two devices (<see cref="PlaceTowers"/>) or one.
/// </summary>
public sealed class AlexNetModel : Module<Tensor, Tensor>
{
    private readonly ModuleList<Tower> towers;
    private readonly Linear fc8;
    private Device[] towerDevices;

    /// <summary>The architecture this model was built from.</summary>
    public AlexNetArchitecture Architecture { get; }

    /// <summary>True when the towers sit on different devices and activations cross between them.</summary>
    public bool IsSplit => towerDevices.Distinct().Count() > 1 || forceSplitPath;
    private bool forceSplitPath;

    /// <summary>Builds the network with the given initialisation.</summary>
    /// <param name="architecture">Layer sizes and ablation switches.</param>
    /// <param name="init">Weight initialisation scheme.</param>
    public AlexNetModel(AlexNetArchitecture architecture, InitScheme init = InitScheme.Kaiming) : base("AlexNet")
    {
        Architecture = architecture;
        towers = new ModuleList<Tower>(Enumerable.Range(0, architecture.Towers).Select(_ => new Tower(architecture)).ToArray());
        fc8 = Linear(architecture.FeatureSize, architecture.NumClasses);
        RegisterComponents();
        towerDevices = Enumerable.Repeat(CPU, architecture.Towers).ToArray();
        Initialisation.Apply(this, init);
    }

    /// <summary>The towers, in order.</summary>
    public IReadOnlyList<Tower> Towers => towers.ToList();

    /// <summary>fc8, which reads both towers' fc7 and produces the class scores.</summary>
    public Linear Fc8 => fc8;

    /// <summary>
    /// Puts tower i on <paramref name="devices"/>[i] (cuda:0 and cuda:1 in the paper) and fc8 with tower 0.
    /// Activations then cross devices only at conv3, fc6, fc7 and fc8, where the paper's GPUs communicate.
    /// </summary>
    /// <param name="devices">One device per tower.</param>
    /// <param name="forceSplit">Run the cross-device code path even when every device is the same (for tests).</param>
    public AlexNetModel PlaceTowers(Device[] devices, bool forceSplit = false)
    {
        if (devices.Length != towers.Count)
            throw new ArgumentException($"{towers.Count} tower(s) need {towers.Count} device(s), got {devices.Length}.");
        for (int i = 0; i < towers.Count; i++) towers[i].to(devices[i]);
        fc8.to(devices[0]);
        towerDevices = devices;
        forceSplitPath = forceSplit;
        return this;
    }

    /// <summary>Puts the whole network on one device; towers run as grouped convolutions.</summary>
    /// <param name="device">Target device.</param>
    public AlexNetModel PlaceOnOneDevice(Device device)
    {
        PlaceTowers(Enumerable.Repeat(device, towers.Count).ToArray());
        return this;
    }

    /// <summary>The device that takes the input and returns the output.</summary>
    public Device InputDevice => towerDevices[0];

    /// <summary>Class scores (logits) for a batch of crops [N, C, S, S].</summary>
    /// <param name="input">Mean-subtracted crops.</param>
    public override Tensor forward(Tensor input) => ForwardWithFeatures(input).Logits;

    /// <summary>Logits and the fc7 feature vector (section 6.1).</summary>
    /// <param name="input">Mean-subtracted crops [N, C, S, S].</param>
    /// <param name="trace">Receives (stage name, output shape) for every stage when given.</param>
    public (Tensor Logits, Tensor Features) ForwardWithFeatures(Tensor input, List<(string Stage, long[] Shape)>? trace = null) =>
        IsSplit ? ForwardSplit(input, trace) : ForwardGrouped(input, trace);

    // Each tower runs its own modules; tensors move only where the paper's GPUs exchange activations.
    private (Tensor, Tensor) ForwardSplit(Tensor x, List<(string, long[])>? trace)
    {
        var a = Architecture;
        var h = towers.Select((t, i) => x.to(towerDevices[i])).ToArray();
        for (int layer = 0; layer < a.Convs.Count; layer++)
        {
            var previous = h;
            h = towers.Select((t, i) =>
            {
                var inT = layer > 0 && a.Convs[layer].ReadsBothTowers ? Gather(previous, towerDevices[i]) : previous[i];
                return t.ConvStage(layer, inT);
            }).ToArray();
            Record(trace, a.Convs[layer].Name, h);
        }
        var flat = towers.Select((t, i) => Gather(h, towerDevices[i]).flatten(1)).ToArray();
        var fc6 = towers.Select((t, i) => t.FullyConnected(0, flat[i], training)).ToArray();
        var fc7 = towers.Select((t, i) => t.FullyConnected(1, Gather(fc6, towerDevices[i]), training)).ToArray();
        var features = Gather(fc7, towerDevices[0]);
        return (fc8.forward(features), features);
    }

    private static Tensor Gather(Tensor[] parts, Device device) =>
        parts.Length == 1 ? parts[0].to(device) : cat(parts.Select(p => p.to(device)).ToArray(), 1);

    private static void Record(List<(string, long[])>? trace, string name, Tensor[] perTower)
    {
        if (trace == null) return;
        var shape = perTower[0].shape.ToArray();
        shape[1] = perTower.Sum(t => t.shape[1]);
        trace.Add((name, shape));
    }

    // One device: the towers' kernels become one grouped convolution (conv2, conv4, conv5) or one full one.
    private (Tensor, Tensor) ForwardGrouped(Tensor x, List<(string, long[])>? trace)
    {
        var a = Architecture;
        for (int layer = 0; layer < a.Convs.Count; layer++)
        {
            var c = a.Convs[layer];
            var w = cat(towers.Select(t => t.Conv(layer).weight!).ToArray(), 0);
            var b = cat(towers.Select(t => t.Conv(layer).bias!).ToArray(), 0);
            x = F.conv2d(x, w, b, strides: [c.Stride, c.Stride], padding: [c.Padding, c.Padding], groups: a.ConvGroups(layer));
            if (trace != null && c.MaxPool) trace.Add((c.Name + ".conv", x.shape.ToArray()));
            if (a.BatchNorm)
            {
                // Each tower's module normalises its own channels, so its running statistics stay its own.
                var parts = x.chunk(towers.Count, 1);
                x = cat(parts.Select((p, i) => towers[i].Norm(layer)!.forward(p)).ToArray(), 1);
            }
            x = Tower.Activate(a, x);
            if (c.LocalResponseNorm && a.Lrn != null)
                x = TowerLocalResponseNorm.Apply(x, Towers);
            if (c.MaxPool) x = F.max_pool2d(x, a.PoolKernel, a.PoolStride);
            trace?.Add((c.Name, x.shape.ToArray()));
        }
        x = x.flatten(1);
        for (int fc = 0; fc < 2; fc++)
        {
            var w = cat(towers.Select(t => t.Fc(fc).weight!).ToArray(), 0);
            var b = cat(towers.Select(t => t.Fc(fc).bias!).ToArray(), 0);
            x = F.dropout(Tower.Activate(a, F.linear(x, w, b)), a.Dropout, training);
        }
        return (fc8.forward(x), x);
    }

    /// <summary>The weights in the merged (both towers concatenated) form the ONNX graph uses.</summary>
    public AlexNetWeights ToMergedWeights()
    {
        using var scope = NewDisposeScope();
        var w = new AlexNetWeights();
        void Add(string name, IEnumerable<Tensor> parts)
        {
            using var merged = cat(parts.Select(p => p.detach().cpu()).ToArray(), 0);
            w[name] = new WeightTensor(merged.shape.Select(d => (int)d).ToArray(), merged.data<float>().ToArray());
        }
        var towers = Towers;
        for (int i = 0; i < 5; i++)
        {
            var folded = towers.Select(t => FoldNorm(t.Conv(i), t.Norm(i))).ToArray();
            Add($"conv{i + 1}.weight", folded.Select(f => f.Weight));
            Add($"conv{i + 1}.bias", folded.Select(f => f.Bias));
        }
        for (int i = 0; i < 2; i++)
        {
            Add($"fc{i + 6}.weight", towers.Select(t => t.Fc(i).weight!));
            Add($"fc{i + 6}.bias", towers.Select(t => t.Fc(i).bias!));
        }
        Add("fc8.weight", [fc8.weight!]);
        Add("fc8.bias", [fc8.bias!]);
        w.Validate(Architecture);
        return w;
    }

    // In eval mode batch norm is y = γ (x − μ) / √(σ² + eps) + β per channel: one scale and shift, which the conv
    // before it absorbs, so the exported graph needs no BatchNormalization node.
    private static (Tensor Weight, Tensor Bias) FoldNorm(Conv2d conv, BatchNorm2d? bn)
    {
        var w = conv.weight!.detach();
        var b = conv.bias!.detach();
        if (bn == null) return (w, b);
        var scale = bn.weight!.detach() / (bn.running_var!.detach() + bn.eps).sqrt();
        return (w * scale.view(-1, 1, 1, 1), (b - bn.running_mean!.detach()) * scale + bn.bias!.detach());
    }

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
