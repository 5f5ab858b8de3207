using AlexNet.Onnx.Model;
using AlexNet.Training.Data;
using AlexNet.Training.Model;
using static TorchSharp.torch;

namespace AlexNet.Training.Training;

/// <summary>A model rebuilt from a checkpoint, with what it needs to score images.</summary>
/// <param name="Model">The network, in eval mode, on the CPU.</param>
/// <param name="Mean">Training-set mean image.</param>
/// <param name="State">The checkpoint's training state.</param>
public sealed record TrainedModel(AlexNetModel Model, MeanImage Mean, TrainingState State) : IDisposable
{
    /// <summary>The architecture.</summary>
    public AlexNetArchitecture Architecture => Model.Architecture;

    /// <summary>Loads a checkpoint written by <see cref="Trainer"/>.</summary>
    /// <param name="path">Checkpoint file, or a run folder holding checkpoint.ckpt.</param>
    public static TrainedModel Load(string path)
    {
        if (Directory.Exists(path)) path = Path.Combine(path, Trainer.CheckpointFile);
        var (state, tensors) = Checkpoint.Load<TrainingState>(path);
        var arch = state.Options.BuildArchitecture(state.ClassNames.Length, state.Channels);
        var model = new AlexNetModel(arch);
        RestoreParameters(model, tensors, path);
        model.eval();
        var mean = new MeanImage(arch.InputChannels, arch.ResizeSize, tensors["data.mean"].Data, arch.ChannelStatistics?.Std);
        return new TrainedModel(model, mean, state);
    }

    /// <summary>Copies a checkpoint's "model.*" tensors (parameters and batch norm's running statistics) into a model, refusing a missing or mis-shaped one.</summary>
    /// <param name="model">The network to fill.</param>
    /// <param name="tensors">Tensors read from the checkpoint.</param>
    /// <param name="source">The checkpoint's path, for error messages.</param>
    internal static void RestoreParameters(AlexNetModel model, Dictionary<string, StoredTensor> tensors, string source)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        foreach (var (name, p) in model.NamedState())
        {
            if (!tensors.TryGetValue("model." + name, out var s))
                throw new InvalidDataException($"Checkpoint '{source}' lacks parameter '{name}'.");
            if (!s.Shape.SequenceEqual(p.shape))
                throw new InvalidDataException($"Checkpoint '{source}' parameter '{name}' has shape [{string.Join(", ", s.Shape)}], the model needs [{string.Join(", ", p.shape)}].");
            p.copy_(tensor(s.Data, s.Shape));
        }
    }

    /// <inheritdoc />
    public void Dispose() => Model.Dispose();
}
