using AlexNet.Onnx.Export;
using AlexNet.Onnx.Metadata;
using AlexNet.Training.Data;
using AlexNet.Training.Model;
using AlexNet.Training.Training;

namespace AlexNet.Training.Export;

/// <summary>Writes a trained model as a self-describing model.onnx through AlexNet.Onnx.</summary>
public static class ModelExport
{
    /// <summary>Exports weights, labels, the mean image and a training summary.</summary>
    /// <param name="model">The network (any placement).</param>
    /// <param name="mean">Training-set mean image, stored in the file so apps subtract the same.</param>
    /// <param name="pixelScale">The value one 8-bit level maps to; the mean is stored in these scaled units.</param>
    /// <param name="labels">Class names in label order.</param>
    /// <param name="path">Destination .onnx (written atomically).</param>
    /// <param name="training">Dataset, epochs and measured errors, if known.</param>
    /// <param name="lrnExport">How LRN is written (see <see cref="LrnExport"/>).</param>
    public static void Write(AlexNetModel model, MeanImage mean, double pixelScale, IReadOnlyList<string> labels, string path, TrainingSummary? training = null,
        LrnExport lrnExport = LrnExport.BandConvolution)
    {
        var arch = model.Architecture;
        // Training feeds (level − mean)·scale; the contract is level·scale − mean', so mean' = mean·scale.
        var scaledMean = mean.Values.Select(v => (float)(v * pixelScale)).ToArray();
        // Fixed channel statistics are a flat mean image; written per channel with the std, as torchvision's are.
        var stored = mean.ChannelStd is null ? PixelMean.Image(arch.InputChannels, arch.ResizeSize, scaledMean)
            : PixelMean.PerChannel([.. Enumerable.Range(0, arch.InputChannels).Select(c => scaledMean[c * arch.ResizeSize * arch.ResizeSize])]);
        var metadata = ModelMetadata.ForArchitecture(arch, labels, stored, pixelScale: (float)pixelScale, training: training) with { ChannelStd = mean.ChannelStd };
        AlexNetOnnxWriter.Write(path, arch, MergedWeights.Of(model), metadata, lrnExport);
    }

    /// <summary>Exports a checkpoint's model.</summary>
    /// <param name="trained">Model rebuilt from a checkpoint.</param>
    /// <param name="path">Destination .onnx.</param>
    /// <param name="test">Final evaluation to record, if any.</param>
    public static void Write(TrainedModel trained, string path, FinalEvaluation? test = null) =>
        Write(trained.Model, trained.Mean, trained.State.Options.EffectivePixelScale, trained.State.ClassNames, path, Summary(trained.State, test));

    /// <summary>The training summary stored in the model's metadata.</summary>
    /// <param name="state">Training state.</param>
    /// <param name="test">Final evaluation, if any.</param>
    public static TrainingSummary Summary(TrainingState state, FinalEvaluation? test)
    {
        var best = test?.TenCrop ?? test?.CentreCrop;
        var notes = test == null ? null
            : $"{test.Dataset}: centre crop top-1 error {test.CentreCrop.Top1Error:P2}" +
              (test.TenCrop != null ? $", ten-crop top-1 error {test.TenCrop.Top1Error:P2}" : "") + $"; seed {state.Options.Seed}";
        return new TrainingSummary(Path.GetFileName(Path.GetFullPath(state.Options.Data.Path).TrimEnd('/')), state.CompletedEpochs,
            best?.Top1Error, best?.Top5Error, notes);
    }
}
