using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using AlexNet.Onnx.Imaging;
using AlexNet.Onnx.Model;
using AlexNet.Training.Data;
using AlexNet.Training.FineTuning;
using AlexNet.Training.Model;
using static TorchSharp.torch;

namespace AlexNet.Training.Training;

/// <summary>
/// The frozen trunk's output (conv5's pooled maps, what fc6 reads) for every image of a dataset, computed once: the
/// bottleneck values of ML.NET's <c>ImageClassificationTrainer</c>. Rows are in dataset order,
/// <see cref="AlexNetArchitecture.Fc6Inputs"/> floats each, held in memory or in a file that is memory-mapped for
/// reading. Disposing it deletes the file.
/// </summary>
public sealed class BottleneckStore : IDisposable
{
    /// <summary>The most bytes of trunk outputs (training and validation images together) a run keeps in memory: 2 GiB,
    /// about 58,000 images of the paper and torchvision presets (9,216 floats each). Beyond it they go to files in the
    /// run folder.</summary>
    public const long MemoryLimitBytes = 2L << 30;

    private readonly float[]? memory;
    private readonly MemoryMappedFile? mapped;
    private readonly MemoryMappedViewAccessor? view;

    /// <summary>Images stored.</summary>
    public int Count { get; }
    /// <summary>Floats per image.</summary>
    public int Width { get; }
    /// <summary>The file the rows are in, or null when they are in memory.</summary>
    public string? FilePath { get; }

    private BottleneckStore(int count, int width, float[]? memory, string? file)
    {
        (Count, Width, this.memory, FilePath) = (count, width, memory, file);
        if (file != null && count > 0) // a mapping cannot be empty; no row is ever read from an empty store
        {
            mapped = MemoryMappedFile.CreateFromFile(file, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
            view = mapped.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
        }
    }

    /// <summary>
    /// Whether a run can train on stored trunk outputs, and what to tell the user about it. The stored outputs give the
    /// run it would have had when nothing in front of fc6 changes from one step to the next: every convolution frozen,
    /// the same crop of an image every epoch (the centre crop, with PCA lighting and random erasing, which apply to
    /// random crops only, unapplied), and no batch norm, whose training mode normalises each batch by that batch's own
    /// statistics. Dropout acts on fc6 and fc7 (and their inputs) only, so it stays in the cached steps.
    /// </summary>
    /// <param name="o">The run's options.</param>
    /// <param name="architecture">Its network.</param>
    /// <returns>Use: train on the cache. Message: a line for the log; null when no convolution is frozen, where the cache
    /// is not a question.</returns>
    public static (bool Use, string? Message) Decide(TrainOptions o, AlexNetArchitecture architecture)
    {
        var frozen = FrozenLayers.Resolve(o.FineTuning.Freeze, architecture);
        if (!architecture.Convs.All(c => frozen.Contains(c.Name))) return (false, null);
        string trunk = $"{architecture.Convs[0].Name}-{architecture.Convs[^1].Name}";
        if (!o.Runtime.BottleneckCache)
            return (false, $"bottleneck cache: off (--no-bottleneck-cache): the frozen {trunk} run at every step");
        if (o.Augmentation.RandomCrops)
            return (false, $"bottleneck cache: not used: {trunk} are frozen, but training crops are random (--augment: random crops and flips" +
                           $"{(o.Augmentation.PcaLighting ? ", PCA lighting" : "")}{(o.Augmentation.RandomErasing > 0 ? ", random erasing" : "")}), " +
                           $"so the trunk sees a new crop of each image every epoch; --no-augment trains on centre crops and runs {trunk} once per image");
        if (architecture.BatchNorm)
            return (false, $"bottleneck cache: not used: {trunk} are frozen, but their batch norm (--batch-norm) normalises each training batch " +
                           "by its own statistics, so a frozen layer's output depends on the batch an image is in");
        return (true, $"bottleneck cache: {trunk} are frozen and training crops are centre crops (--no-augment), so {trunk} run once per image " +
                      "and the epochs train the fully connected layers on their stored output (--no-bottleneck-cache runs the whole network every step)");
    }

    /// <summary>
    /// Runs the trunk over a dataset's centre crops in dataset order and stores the outputs: in memory, or, when
    /// <paramref name="file"/> is given, written to <paramref name="file"/>.partial and renamed to
    /// <paramref name="file"/> once complete, so a file under that name is never a half-written one.
    /// </summary>
    /// <param name="model">The network, whose trunk is frozen.</param>
    /// <param name="dataset">The images.</param>
    /// <param name="mean">Mean image subtracted before cropping.</param>
    /// <param name="pixelScale">Factor on every pixel after the mean is subtracted.</param>
    /// <param name="batchImages">Images per trunk pass.</param>
    /// <param name="workers">Loader threads.</param>
    /// <param name="file">Where to store the rows; null keeps them in memory.</param>
    /// <param name="stop">Ends the pass early; the result is then null and no file is left.</param>
    internal static BottleneckStore? Build(AlexNetModel model, IImageDataset dataset, MeanImage mean, double pixelScale, int batchImages, int workers,
        string? file, CancellationToken stop)
    {
        var a = model.Architecture;
        int width = a.Fc6Inputs;
        var loader = new BatchLoader(dataset, null, new BatchLoaderOptions
        {
            BatchSize = batchImages, CropSize = a.InputSize, Padding = a.CropPadding, Mode = CropMode.CentreCrop, Mean = mean, Shuffle = false, Workers = workers,
        });
        var memory = file == null ? new float[(long)dataset.Count * width] : null;
        string? partial = file == null ? null : file + ".partial";
        int rows = 0;
        try
        {
            using (var stream = partial == null ? null : new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
            {
                model.eval();
                using var _ = no_grad();
                foreach (var batch in loader.Epoch(0, stop))
                {
                    using var scope = NewDisposeScope();
                    var x = batch.ToTensor(a.InputChannels, a.InputSize, pixelScale, model.InputDevice);
                    var values = model.Trunk(x).cpu().contiguous().data<float>().ToArray();
                    if (values.Length != batch.Count * width)
                        throw new InvalidOperationException($"The trunk gave {values.Length} values for {batch.Count} images; fc6 reads {width} per image.");
                    if (memory != null) values.CopyTo(memory, (long)rows * width);
                    else stream!.Write(MemoryMarshal.AsBytes(values.AsSpan()));
                    rows += batch.Count;
                    if (stop.IsCancellationRequested) break;
                }
            }
            if (rows < dataset.Count)
            {
                if (partial != null) File.Delete(partial);
                return null;
            }
            if (file != null) File.Move(partial!, file, overwrite: true);
            return new BottleneckStore(dataset.Count, width, memory, file);
        }
        catch
        {
            if (partial != null && File.Exists(partial)) File.Delete(partial);
            throw;
        }
    }

    /// <summary>Copies the rows of some images, one after another, into <paramref name="destination"/>.</summary>
    /// <param name="indices">Dataset indices.</param>
    /// <param name="destination">At least indices × <see cref="Width"/> floats.</param>
    public void Read(ReadOnlySpan<int> indices, float[] destination)
    {
        for (int n = 0; n < indices.Length; n++)
        {
            long row = (uint)indices[n] < (uint)Count ? indices[n] : throw new ArgumentOutOfRangeException(nameof(indices), indices[n], $"The store holds {Count} images.");
            if (memory != null) Array.Copy(memory, row * Width, destination, (long)n * Width, Width);
            else view!.ReadArray(row * Width * sizeof(float), destination, n * Width, Width);
        }
    }

    /// <summary>Releases the memory or the mapping, and deletes the file.</summary>
    public void Dispose()
    {
        view?.Dispose();
        mapped?.Dispose();
        if (FilePath != null && File.Exists(FilePath)) File.Delete(FilePath);
    }
}
