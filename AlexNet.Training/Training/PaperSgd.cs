using TorchSharp;
using static TorchSharp.torch;

namespace AlexNet.Training.Training;

/// <summary>
/// Stochastic gradient descent exactly as section 5 writes it:
/// v ← μ·v − λ·ε·w − ε·∂L/∂w, then w ← w + v, with μ = 0.9, λ = 0.0005 and learning rate ε.
/// (PyTorch's SGD scales the velocity by ε after accumulating; the two differ once ε changes.)
/// The velocities are plain tensors so checkpoints can save and restore them.
/// </summary>
public sealed class PaperSgd : IDisposable
{
    private readonly (string Name, Tensor Weight)[] parameters;
    private readonly Dictionary<string, Tensor> velocity = new();
    private readonly Func<string, double> rateFactor;

    /// <summary>Momentum μ.</summary>
    public double Momentum { get; }
    /// <summary>Weight decay λ.</summary>
    public double WeightDecay { get; }
    /// <summary>Learning rate ε; the schedule changes it.</summary>
    public double LearningRate { get; set; }

    /// <summary>Creates the optimizer over named parameters.</summary>
    /// <param name="parameters">Parameters by name (e.g. from named_parameters()).</param>
    /// <param name="learningRate">ε.</param>
    /// <param name="momentum">μ.</param>
    /// <param name="weightDecay">λ.</param>
    /// <param name="learningRateFactor">Each parameter's rate as a multiple of ε, by name (a new head at 10 × the rate of
    /// pretrained layers): PyTorch's parameter groups with their own lr, which a schedule scales together. Null: 1 for all.</param>
    public PaperSgd(IEnumerable<(string Name, Tensor Weight)> parameters, double learningRate = 0.01, double momentum = 0.9, double weightDecay = 0.0005,
        Func<string, double>? learningRateFactor = null)
    {
        this.parameters = parameters.ToArray();
        rateFactor = learningRateFactor ?? (_ => 1);
        LearningRate = learningRate;
        Momentum = momentum;
        WeightDecay = weightDecay;
        foreach (var (name, w) in this.parameters) velocity[name] = zeros_like(w).DetachFromDisposeScope();
    }

    /// <summary>Applies one update from the gradients already in place.</summary>
    public void Step()
    {
        using var _ = no_grad();
        foreach (var (name, w) in parameters)
        {
            if (w.grad is null) continue;
            var v = velocity[name];
            double rate = LearningRate * rateFactor(name);
            // Scalars held until the calls return: an implicit double → Scalar (and the 1 TorchSharp's add_(tensor) passes)
            // is a temporary the finalizer may free while libtorch still reads it (see LocalResponseNorm).
            using Scalar momentum = Momentum.ToScalar(), decay = (-WeightDecay * rate).ToScalar(), step = (-rate).ToScalar(), one = 1.0.ToScalar();
            v.mul_(momentum).add_(w, alpha: decay).add_(w.grad, alpha: step);
            w.add_(v, one);
        }
    }

    /// <summary>Clears every gradient.</summary>
    public void ZeroGrad()
    {
        foreach (var (_, w) in parameters) w.grad?.zero_();
    }

    /// <summary>The velocity tensors by parameter name (for checkpoints).</summary>
    public IReadOnlyDictionary<string, Tensor> Velocity => velocity;

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var v in velocity.Values) v.Dispose();
        velocity.Clear();
    }
}
