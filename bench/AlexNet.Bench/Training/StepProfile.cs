using System.Diagnostics;
using System.Globalization;
using System.Text;
using AlexNet.Bench.Harness;
using AlexNet.Onnx.Model;
using AlexNet.Training.Model;
using AlexNet.Training.Training;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace AlexNet.Bench.Training;

/// <summary>
/// Where a training step's time goes: every operation of <see cref="AlexNetModel"/>'s pass on one device (towers as
/// grouped convolutions), timed on its own at the step's real shapes, forward and backward (the gradients of its input
/// and its weights), next to the whole step, in interleaved rounds. Operations the step could run another way are
/// timed each way: LRN fused, as the band product and as the formula written out, fc6/fc7 with the towers' weights joined
/// every step and tower by tower, max-pooling ours and libtorch's. The step's operations run in the activations' layout the
/// trainer uses (<see cref="AlexNetModel.MemoryFormat"/>, channels-last unless --memory-format says otherwise); the
/// convolutions, LRN and max-pooling in the other layout are "(tried)" rows.
/// </summary>
public static class StepProfile
{
    private sealed record Op(string Name, Tensor Input, bool InputGrad, Tensor[] Weights, Func<Tensor, Tensor> Run, bool InStep = true);

    /// <summary>Profiles one preset's step and returns the Markdown table.</summary>
    /// <param name="preset">small or paper.</param>
    /// <param name="rounds">Rounds kept (after one warm-up).</param>
    /// <param name="batch">Images a step.</param>
    /// <param name="log">Progress.</param>
    public static string Run(string preset, int rounds, int batch, TextWriter log)
    {
        var data = BenchTrainingData.For(preset);
        var a = data.Architecture;
        manual_seed(1);
        using var model = new AlexNetModel(a, InitScheme.Kaiming);
        var lrn = new LocalResponseNorm(a.Lrn ?? new LrnSettings());
        int towers = a.Towers;
        var ops = new List<Op>();
        using var keep = NewDisposeScope();
        var format = TrainingSteps.TrainersMemoryFormat;
        var other = format == MemoryFormat.ChannelsLast ? MemoryFormat.Contiguous : MemoryFormat.ChannelsLast;
        string otherName = TrainingSteps.Name(other);
        // Activations in a layout: channels-last strides made by hand (TorchSharp's memory_format arguments are ignored).
        Tensor In(MemoryFormat f, Tensor t) => f == MemoryFormat.ChannelsLast ? ChannelsLast(t) : t.contiguous();

        Tensor Leaf(Tensor t) => t.detach().clone().requires_grad_();
        Tensor Joined(Func<Tower, Tensor> p) => cat([.. model.Towers.Select(p)], 0);

        // Shapes come from running the pass once; each operation keeps its own input.
        var x = In(format, randn(batch, a.InputChannels, a.InputSize, a.InputSize));
        for (int i = 0; i < a.Convs.Count; i++)
        {
            var c = a.Convs[i];
            int layer = i;
            bool readsAll = i == 0 || c.ReadsBothTowers;
            var w = Leaf(Joined(t => t.Convs[layer].weight!));
            var b = Leaf(Joined(t => t.Convs[layer].bias!));
            var input = x;
            Tensor Conv(Tensor h) => F.conv2d(h, w, b, strides: [c.Stride, c.Stride], padding: [c.Padding, c.Padding], groups: readsAll ? 1 : towers);
            // Kernels contiguous, as the model keeps its parameters; libtorch converts them for oneDNN either way.
            ops.Add(new($"{c.Name}", input, i > 0, [w, b], Conv));
            ops.Add(new($"{c.Name}, {otherName} (tried)", In(other, input), i > 0, [w, b], Conv, InStep: false));
            if (c.Stride > 1)
                ops.Add(new($"{c.Name} as a stride-1 convolution, space-to-depth (tried)", In(MemoryFormat.Contiguous, input), i > 0, [w, b],
                    h => SpaceToDepthConv(h, w, b, c.Stride, c.Padding, readsAll ? 1 : towers), InStep: false));
            using (no_grad()) x = F.relu(Conv(input));
            ops.Add(new($"{c.Name} relu", x, true, [], h => F.relu(h)));
            if (c.LocalResponseNorm && a.Lrn != null)
            {
                ops.Add(new($"{c.Name} LRN, fused (ours on the CPU)", x, true, [], h => lrn.Fused(h, towers, format)));
                ops.Add(new($"{c.Name} LRN, fused, {otherName} (tried)", In(other, x), true, [], h => lrn.Fused(h, towers, other), InStep: false));
                ops.Add(new($"{c.Name} LRN, band product (ours on other devices)", x, true, [], h => lrn.Band(h, towers), InStep: false));
                ops.Add(new($"{c.Name} LRN, formula written out (before)", x, true, [], h => lrn.Direct(h, towers), InStep: false));
                using (no_grad()) x = lrn.Apply(x, towers, format);
            }
            if (c.MaxPool)
            {
                ops.Add(new($"{c.Name} max-pool (ours on the CPU)", x, true, [], h => MaxPool.Apply(h, a.PoolKernel, a.PoolStride, format)));
                ops.Add(new($"{c.Name} max-pool, ours {otherName} (tried)", In(other, x), true, [], h => MaxPool.Apply(h, a.PoolKernel, a.PoolStride, other), InStep: false));
                ops.Add(new($"{c.Name} max-pool, libtorch's contiguous (before)", In(MemoryFormat.Contiguous, x), true, [], h => F.max_pool2d(h, a.PoolKernel, a.PoolStride), InStep: false));
                ops.Add(new($"{c.Name} max-pool, libtorch's channels-last (tried)", In(MemoryFormat.ChannelsLast, x), true, [], h => F.max_pool2d(h, a.PoolKernel, a.PoolStride), InStep: false));
                using (no_grad()) x = MaxPool.Apply(x, a.PoolKernel, a.PoolStride, format);
            }
        }
        // As the model flattens: [C, H, W] order, a copy from channels-last maps.
        ops.Add(new("conv5 maps flattened for fc6", x, true, [], h => h.flatten(1)));
        x = x.flatten(1);
        for (int f = 0; f < a.FullyConnectedPerTower.Count; f++)
        {
            int layer = f;
            string name = $"fc{6 + f}";
            var w = Leaf(Joined(t => t.FullyConnected[layer].weight!));
            var b = Leaf(Joined(t => t.FullyConnected[layer].bias!));
            var parts = model.Towers.Select(t => (W: Leaf(t.FullyConnected[layer].weight!), B: Leaf(t.FullyConnected[layer].bias!))).ToArray();
            ops.Add(new($"{name} (weights joined)", x, true, [w, b], h => F.linear(h, w, b)));
            ops.Add(new($"{name} tower by tower, outputs joined", x, true, [.. parts.SelectMany(p => new[] { p.W, p.B })],
                h => cat([.. parts.Select(p => F.linear(h, p.W, p.B))], 1), InStep: false));
            ops.Add(new($"{name} joining the towers' weights", x, false, [.. parts.Select(p => p.W)], _ => cat([.. parts.Select(p => p.W)], 0)));
            using (no_grad()) x = F.relu(F.linear(x, w, b));
            ops.Add(new($"{name} relu + dropout", x, true, [], h => F.dropout(F.relu(h), a.Dropout, true)));
        }
        var w8 = Leaf(model.Fc8.weight!);
        var b8 = Leaf(model.Fc8.bias!);
        ops.Add(new("fc8", x, true, [w8, b8], h => F.linear(h, w8, b8)));
        Tensor logits;
        using (no_grad()) logits = F.linear(x, w8, b8);
        var labels = randint(0, a.NumClasses, [batch]);
        ops.Add(new("cross-entropy", logits, true, [], h => F.cross_entropy(h, labels)));

        var sgd = new PaperSgd(model.named_parameters().Select(p => (p.name, (Tensor)p.parameter)));
        var step = new TrainingSteps(data, batch);
        var times = ops.ToDictionary(o => o.Name, _ => (Forward: new List<double>(), Backward: new List<double>()));
        var sgdTimes = new List<double>();
        var stepTimes = new List<double>();
        for (int round = 0; round <= rounds; round++)
        {
            foreach (var op in ops)
            {
                using var scope = NewDisposeScope();
                var input = op.InputGrad ? op.Input.detach().requires_grad_() : op.Input;
                var inputs = (op.InputGrad ? new[] { input } : []).Concat(op.Weights).ToArray();
                var clock = Stopwatch.StartNew();
                var y = op.Run(input);
                double forward = clock.Elapsed.TotalMilliseconds;
                var upstream = y.dim() == 0 ? ones_like(y) : randn_like(y);
                clock.Restart();
                if (inputs.Length > 0) autograd.grad([y], inputs, [upstream]);
                double backward = clock.Elapsed.TotalMilliseconds;
                if (round > 0)
                {
                    times[op.Name].Forward.Add(forward);
                    times[op.Name].Backward.Add(backward);
                }
            }
            using (var scope = NewDisposeScope())
            {
                // The update as the trainer runs it, with a gradient in every parameter.
                foreach (var p in model.parameters()) p.grad = zeros_like(p).DetachFromDisposeScope();
                var clock = Stopwatch.StartNew();
                sgd.Step();
                if (round > 0) sgdTimes.Add(clock.Elapsed.TotalMilliseconds);
            }
            double rate = step.Measure(0);
            if (round > 0) stepTimes.Add(1000.0 * batch / rate);
            log.WriteLine($"  round {round + 1}/{rounds + 1}{(round == 0 ? " (warm-up)" : "")}: step {1000.0 * batch / rate:F0} ms");
        }
        step.Dispose();
        sgd.Dispose();

        double Median(List<double> v) => Result.MedianOf(v);
        double inStep = ops.Where(o => o.InStep).Sum(o => Median(times[o.Name].Forward) + Median(times[o.Name].Backward)) + Median(sgdTimes);
        double wholeStep = Median(stepTimes);
        var md = new StringBuilder();
        string F0(double v) => v.ToString(v >= 10 ? "F0" : "F1", CultureInfo.InvariantCulture);
        md.AppendLine(CultureInfo.InvariantCulture, $"**`{preset}` step profile, batch {batch}, activations {TrainingSteps.Name(format)}** — medians of {rounds} interleaved rounds (after 1 warm-up); each operation on its own at the step's shapes, forward, then backward to its input and weights. Whole step (BatchLoader + forward/backward + PaperSgd): **{F0(wholeStep)} ms**; the operations marked in the step sum to {F0(inStep)} ms.");
        md.AppendLine();
        md.AppendLine("| operation | forward ms | backward ms | total ms | share of the step's sum |");
        md.AppendLine("|---|---:|---:|---:|---:|");
        foreach (var op in ops)
        {
            double fw = Median(times[op.Name].Forward), bw = Median(times[op.Name].Backward);
            string share = op.InStep ? (100 * (fw + bw) / inStep).ToString("F1", CultureInfo.InvariantCulture) + "%" : "(not in the step)";
            md.AppendLine(CultureInfo.InvariantCulture, $"| {op.Name} | {F0(fw)} | {F0(bw)} | {F0(fw + bw)} | {share} |");
        }
        md.AppendLine(CultureInfo.InvariantCulture, $"| PaperSgd.Step (all parameters) | {F0(Median(sgdTimes))} | — | {F0(Median(sgdTimes))} | {(100 * Median(sgdTimes) / inStep).ToString("F1", CultureInfo.InvariantCulture)}% |");
        md.AppendLine();
        return md.ToString();
    }

    // NHWC memory viewed as [N, C, H, W] with channels-last strides, as AlexNetModel makes its input (as_strided, so that
    // one-channel input gets the channels-last strides libtorch reads the layout from).
    private static Tensor ChannelsLast(Tensor t)
    {
        using var nhwc = t.permute(0, 2, 3, 1).contiguous();
        long c = t.shape[1], h = t.shape[2], w = t.shape[3];
        return nhwc.as_strided(t.shape, [h * w * c, 1, w * c, c], nhwc.storage_offset());
    }

    // A strided convolution as a stride-1 one over the input rearranged space-to-depth (each s×s block of pixels as s²
    // channels, the kernel zero-padded to a multiple of s). Tried for conv1, whose oneDNN weight gradient took 2.1 s
    // of a paper step under heavy load; on a quiet machine it was no faster (docs/benchmarks/2026-12-01-training-speed-lrn-maxpool.md), so the model keeps
    // F.conv2d and the form lives here, to be measured again.
    private static Tensor SpaceToDepthConv(Tensor x, Tensor weight, Tensor? bias, int stride, int padding, int groups)
    {
        long n = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3];
        long o = weight.shape[0], ci = weight.shape[1], kh = weight.shape[2], kw = weight.shape[3];
        long s = stride, outH = (h + 2 * padding - kh) / s + 1, outW = (w + 2 * padding - kw) / s + 1;
        long bh = (kh + s - 1) / s, bw = (kw + s - 1) / s, hs = outH + bh - 1, ws = outW + bw - 1;
        using var scope = NewDisposeScope();
        var blocks = F.pad(x, [padding, s * ws - w - padding, padding, s * hs - h - padding])
            .view(n, c, hs, s, ws, s).permute(0, 1, 3, 5, 2, 4).reshape(n, c * s * s, hs, ws);
        var kernel = F.pad(weight, [0, bw * s - kw, 0, bh * s - kh])
            .view(o, ci, bh, s, bw, s).permute(0, 1, 3, 5, 2, 4).reshape(o, ci * s * s, bh, bw);
        return F.conv2d(blocks, kernel, bias, groups: groups).MoveToOuterDisposeScope();
    }
}
