using AlexNet.Onnx.Imaging;
using AlexNet.Training.Data;
using AlexNet.Training.Model;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace AlexNet.Training.Training;

/// <summary>Top-1 and top-5 error over a dataset.</summary>
/// <param name="Top1Error">Fraction whose most probable class is wrong.</param>
/// <param name="Top5Error">Fraction whose true class is not among the five most probable.</param>
/// <param name="Count">Images evaluated.</param>
public sealed record EvaluationResult(double Top1Error, double Top5Error, int Count);

/// <summary>
/// Test-time scoring as in section 4.1: a single centre crop, or ten crops (four corners and the centre,
/// each also flipped) whose softmax outputs are averaged. The ML.NET side uses the same definition.
/// </summary>
public static class Evaluator
{
    /// <summary>Class probabilities per image, [images, classes], in dataset order.</summary>
    /// <param name="model">Trained model (switched to eval mode).</param>
    /// <param name="dataset">Images to score.</param>
    /// <param name="mean">Mean image subtracted before cropping.</param>
    /// <param name="pixelScale">Multiplier applied after mean subtraction (the model's pixel scale).</param>
    /// <param name="mode">Centre or TenCrop.</param>
    /// <param name="batchImages">Images per forward pass.</param>
    /// <param name="workers">Loader threads.</param>
    public static float[,] Probabilities(AlexNetModel model, IImageDataset dataset, MeanImage mean, double pixelScale, CropMode mode, int batchImages = 64, int workers = 2)
    {
        if (mode == CropMode.Random) throw new ArgumentException("Evaluation uses Centre or TenCrop.", nameof(mode));
        var a = model.Architecture;
        int crops = mode == CropMode.TenCrop ? 10 : 1, k = a.NumClasses;
        var result = new float[dataset.Count, k];
        model.eval();
        using var _ = no_grad();
        var loader = new BatchLoader(dataset, null, new BatchLoaderOptions
        {
            BatchSize = batchImages, CropSize = a.InputSize, Padding = a.CropPadding, Mode = mode, Mean = mean, Shuffle = false, Workers = workers,
        });
        int row = 0;
        foreach (var batch in loader.Epoch(0))
        {
            using var scope = NewDisposeScope();
            var x = batch.ToTensor(a.InputChannels, a.InputSize, pixelScale, model.InputDevice);
            var p = F.softmax(model.forward(x), 1).view(batch.Count, crops, k).mean([1]).cpu();
            var values = p.data<float>().ToArray();
            for (int i = 0; i < batch.Count; i++, row++)
                for (int c = 0; c < k; c++) result[row, c] = values[i * k + c];
        }
        return result;
    }

    /// <summary>Top-1 and top-5 error of a model on a dataset.</summary>
    /// <param name="model">Trained model.</param>
    /// <param name="dataset">Labelled images.</param>
    /// <param name="mean">Mean image.</param>
    /// <param name="pixelScale">Multiplier applied after mean subtraction.</param>
    /// <param name="mode">Centre or TenCrop.</param>
    /// <param name="batchImages">Images per forward pass.</param>
    /// <param name="workers">Loader threads.</param>
    public static EvaluationResult Evaluate(AlexNetModel model, IImageDataset dataset, MeanImage mean, double pixelScale, CropMode mode, int batchImages = 64, int workers = 2)
    {
        var p = Probabilities(model, dataset, mean, pixelScale, mode, batchImages, workers);
        return Errors(p, Enumerable.Range(0, dataset.Count).Select(dataset.GetLabel).ToArray());
    }

    /// <summary>Top-1/top-5 error from probabilities and true labels.</summary>
    /// <param name="probabilities">[images, classes].</param>
    /// <param name="labels">True class per image.</param>
    public static EvaluationResult Errors(float[,] probabilities, int[] labels)
    {
        int n = labels.Length, k = probabilities.GetLength(1), wrong1 = 0, wrong5 = 0;
        for (int i = 0; i < n; i++)
        {
            float own = probabilities[i, labels[i]];
            int above = 0; // classes scored strictly higher than the true one (ties favour the true class)
            for (int c = 0; c < k; c++) if (probabilities[i, c] > own) above++;
            if (above >= 1) wrong1++;
            if (above >= 5) wrong5++;
        }
        return new EvaluationResult(n == 0 ? 0 : (double)wrong1 / n, n == 0 ? 0 : (double)wrong5 / n, n);
    }
}
