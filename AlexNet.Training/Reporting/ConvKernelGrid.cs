using AlexNet.Onnx.Imaging;
using AlexNet.Onnx.Model;
using AlexNet.Training.Model;
using SkiaSharp;
using static TorchSharp.torch;

namespace AlexNet.Training.Reporting;

/// <summary>
/// The learned conv1 kernels as a picture, like the paper's Figure 3: one block per tower (tower 1 above tower 2),
/// each kernel a small tile, every weight drawn as a square of <c>scale</c> pixels. 3-channel kernels are shown
/// in colour (R, G, B), 1-channel kernels in grey. Geometry, for tiles of side k·scale:
/// width = 2·margin + columns·tile + (columns − 1)·gap; height = 2·margin + towers·(rows·tile + (rows − 1)·gap)
/// + (towers − 1)·towerGap, rows = ⌈kernels per tower / columns⌉.
/// </summary>
public static class ConvKernelGrid
{
    /// <summary>White border around the grid, in pixels.</summary>
    public const int Margin = 4;
    /// <summary>Gap between tiles, in pixels.</summary>
    public const int Gap = 2;
    /// <summary>Gap between the towers' blocks, in pixels.</summary>
    public const int TowerGap = 12;

    /// <summary>Each tower's conv1 weights, [kernels, channels, k, k], copied to the CPU.</summary>
    /// <param name="model">A model (any placement).</param>
    public static IReadOnlyList<WeightTensor> Conv1Kernels(AlexNetModel model)
    {
        using var scope = NewDisposeScope();
        return model.Towers.Select(t =>
        {
            var w = t.Convs[0].weight!.detach().cpu();
            return new WeightTensor(w.shape.Select(d => (int)d).ToArray(), w.data<float>().ToArray());
        }).ToArray();
    }

    /// <summary>Renders the model's conv1 kernels and writes them as PNG (atomically).</summary>
    /// <param name="path">Destination .png.</param>
    /// <param name="model">The trained model.</param>
    /// <param name="normalisation">Per kernel (default) or over the whole layer.</param>
    /// <param name="scale">Pixels per weight.</param>
    /// <param name="columns">Kernels per row.</param>
    public static void Write(string path, AlexNetModel model, KernelNormalisation normalisation = KernelNormalisation.PerKernel, int scale = 8, int columns = 16)
    {
        using var bitmap = Render(Conv1Kernels(model), normalisation, scale, columns);
        PngFile.Save(bitmap, path);
    }

    /// <summary>The grid's size in pixels for the given kernels.</summary>
    /// <param name="towers">Number of towers.</param>
    /// <param name="kernelsPerTower">Kernels in each tower.</param>
    /// <param name="kernelSide">Kernel side k.</param>
    /// <param name="scale">Pixels per weight.</param>
    /// <param name="columns">Kernels per row.</param>
    public static (int Width, int Height) Size(int towers, int kernelsPerTower, int kernelSide, int scale, int columns)
    {
        int tile = kernelSide * scale, cols = Math.Min(columns, kernelsPerTower);
        int rows = (kernelsPerTower + columns - 1) / columns;
        return (2 * Margin + cols * tile + (cols - 1) * Gap,
                2 * Margin + towers * (rows * tile + (rows - 1) * Gap) + (towers - 1) * TowerGap);
    }

    /// <summary>Draws kernels given per tower as [kernels, channels (1 or 3), k, k].</summary>
    /// <param name="towers">One weight tensor per tower, all the same shape.</param>
    /// <param name="normalisation">Per kernel or over the whole layer.</param>
    /// <param name="scale">Pixels per weight.</param>
    /// <param name="columns">Kernels per row.</param>
    /// <returns>A bitmap the caller disposes.</returns>
    /// <exception cref="ArgumentException">No towers, towers of different shapes, or channels other than 1 or 3.</exception>
    public static SKBitmap Render(IReadOnlyList<WeightTensor> towers, KernelNormalisation normalisation = KernelNormalisation.PerKernel, int scale = 8, int columns = 16)
    {
        if (towers.Count == 0) throw new ArgumentException("No towers to draw.", nameof(towers));
        var shape = towers[0].Shape;
        if (shape.Length != 4 || shape[2] != shape[3])
            throw new ArgumentException($"Kernels must be [kernels, channels, k, k]; got [{string.Join(", ", shape)}].", nameof(towers));
        if (towers.Any(t => !t.Shape.SequenceEqual(shape)))
            throw new ArgumentException("Every tower must have the same kernel shape.", nameof(towers));
        int n = shape[0], channels = shape[1], k = shape[2];
        if (channels is not (1 or 3))
            throw new ArgumentException($"Kernels with {channels} input channels cannot be drawn; 1 (grey) or 3 (RGB) can.", nameof(towers));
        ArgumentOutOfRangeException.ThrowIfLessThan(scale, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);

        var (width, height) = Size(towers.Count, n, k, scale, columns);
        int tile = k * scale, rows = (n + columns - 1) / columns, block = rows * tile + (rows - 1) * Gap;
        int perKernel = channels * k * k;
        float globalMin = towers.Min(t => t.Data.Min()), globalMax = towers.Max(t => t.Data.Max());

        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using var canvas = new SKCanvas(bitmap);
        canvas.Clear(SKColors.White);
        using var paint = new SKPaint { IsAntialias = false, Style = SKPaintStyle.Fill };
        for (int t = 0; t < towers.Count; t++)
        {
            var data = towers[t].Data;
            for (int i = 0; i < n; i++)
            {
                var kernel = new ArraySegment<float>(data, i * perKernel, perKernel);
                float lo = globalMin, hi = globalMax;
                if (normalisation == KernelNormalisation.PerKernel) { lo = kernel.Min(); hi = kernel.Max(); }
                float range = hi > lo ? hi - lo : 1f;
                int left = Margin + i % columns * (tile + Gap), top = Margin + t * (block + TowerGap) + i / columns * (tile + Gap);
                for (int y = 0; y < k; y++)
                    for (int x = 0; x < k; x++)
                    {
                        byte Level(int c) => (byte)Math.Clamp(MathF.Round((kernel[(c * k + y) * k + x] - lo) / range * 255f), 0, 255);
                        paint.Color = channels == 3 ? new SKColor(Level(0), Level(1), Level(2)) : new SKColor(Level(0), Level(0), Level(0));
                        canvas.DrawRect(left + x * scale, top + y * scale, scale, scale, paint);
                    }
            }
        }
        return bitmap;
    }
}
