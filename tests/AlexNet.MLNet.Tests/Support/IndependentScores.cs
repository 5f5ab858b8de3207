using AlexNet.Onnx;
using AlexNet.Onnx.Imaging;
using AlexNet.Onnx.Runtime;

namespace AlexNet.MLNet.Tests.Support;

/// <summary>
/// The paper's test-time procedure computed without ML.NET or the serving graph: decode and IsoCrop-resize with
/// AlexNet.Onnx.Imaging, subtract the mean image, cut the windows here, score them with <see cref="BatchScorer"/>
/// on the plain exported model, and average the softmax outputs (and fc7 features).
/// </summary>
internal static class IndependentScores
{
    /// <summary>
    /// How far the pipeline's ten-crop <c>Score</c> may be from <see cref="TenCrop"/> on the four photos: docs/MLNET.md
    /// publishes at most 6e-8 (float summation order: the serving graph averages the ten softmax outputs in float, this
    /// class in double); twice that here, two float steps between 0.5 and 1. The centre crop is one window, nothing to
    /// sum: the docs publish exactly 0 and the tests compare every bit.
    /// </summary>
    public const float TenCropTolerance = 1.2e-7f;

    /// <summary>Four corners and the centre of the R×R image, then the same five mirrored.</summary>
    public static (int Top, int Left, bool Mirror)[] TenCropWindows(int r, int s)
    {
        int far = r - s, mid = far / 2;
        var five = new[] { (0, 0), (0, far), (far, 0), (far, far), (mid, mid) };
        return [.. five.Select(w => (w.Item1, w.Item2, false)), .. five.Select(w => (w.Item1, w.Item2, true))];
    }

    public static (float[] Score, float[] Features) TenCrop(string modelPath, string imagePath) =>
        Average(modelPath, imagePath, m => TenCropWindows(m.Metadata.ResizeSize, m.InputSize));

    public static (float[] Score, float[] Features) CentreCrop(string modelPath, string imagePath) =>
        Average(modelPath, imagePath, m => [((m.Metadata.ResizeSize - m.InputSize) / 2, (m.Metadata.ResizeSize - m.InputSize) / 2, false)]);

    private static (float[] Score, float[] Features) Average(string modelPath, string imagePath, Func<ModelFile, (int Top, int Left, bool Mirror)[]> windowsOf)
    {
        var model = ModelFile.Open(modelPath);
        var m = model.Metadata;
        int c = m.InputChannels, r = m.ResizeSize, s = m.InputSize;
        var prepared = new float[c * r * r];
        PaperPreparation.Load(imagePath, r, c, prepared);

        var windows = windowsOf(model);
        var crops = new float[windows.Length * c * s * s];
        for (int n = 0; n < windows.Length; n++)
        {
            var (top, left, mirror) = windows[n];
            for (int ch = 0; ch < c; ch++)
                for (int y = 0; y < s; y++)
                    for (int x = 0; x < s; x++)
                    {
                        int sx = left + (mirror ? s - 1 - x : x), sy = top + y;
                        crops[((n * c + ch) * s + y) * s + x] = prepared[(ch * r + sy) * r + sx] * m.PixelScale - m.Mean.At(ch, sy, sx);
                    }
        }

        using var scorer = new BatchScorer(model);
        var scores = scorer.Score(crops);
        return (Mean(scores.Probabilities, windows.Length), Mean(scores.Features!, windows.Length));
    }

    private static float[] Mean(float[] rows, int count)
    {
        int width = rows.Length / count;
        var mean = new double[width];
        for (int i = 0; i < rows.Length; i++) mean[i % width] += rows[i];
        return mean.Select(v => (float)(v / count)).ToArray();
    }

    public static float MaxAbsDiff(IReadOnlyList<float> a, IReadOnlyList<float> b)
    {
        Assert.HasCount(a.Count, b);
        float max = 0;
        for (int i = 0; i < a.Count; i++) max = Math.Max(max, Math.Abs(a[i] - b[i]));
        return max;
    }
}
