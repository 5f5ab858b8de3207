using System.Collections.Concurrent;
using System.Globalization;
using AlexNet.Onnx.Imaging;

namespace AlexNet.Training.Data;

/// <summary>
/// Images in folders, in ImageNet's layouts: <c>train/&lt;class&gt;/&lt;image&gt;</c> and <c>val/&lt;class&gt;/&lt;image&gt;</c>
/// (<see cref="Open"/>), or ImageNet's flat validation folder with a ground-truth file of 1-based class numbers in
/// the sorted synset order (<see cref="OpenFlat"/>). Every image is prepared with the shared imaging path (shorter
/// side to R, central R×R patch), so it equals what ML.NET serves. Corrupt, truncated or unreadable files are
/// skipped and listed in <see cref="Skipped"/>, never a crash; gray files in a 3-channel set are converted to
/// R = G = B and listed in <see cref="ConvertedGray"/> (or rejected with <see cref="ImageFolderOptions.RejectGray"/>).
/// </summary>
public sealed class ImageFolderDataset : IImageDataset
{
    private readonly string[] _files;
    private readonly int[] _labels;
    private readonly ImageFolderOptions _options;
    private readonly byte[]?[]? _cache;

    private ImageFolderDataset(string root, string[] files, int[] labels, IReadOnlyList<string> classNames, ImageFolderOptions options,
        IReadOnlyList<SkippedImage> skipped, IReadOnlyList<string> gray, byte[]?[]? cache)
    {
        Root = root;
        _files = files;
        _labels = labels;
        ClassNames = classNames;
        _options = options;
        Skipped = skipped;
        ConvertedGray = gray;
        _cache = cache;
    }

    /// <summary>The folder the images came from.</summary>
    public string Root { get; }

    /// <inheritdoc/>
    public int Count => _files.Length;

    /// <inheritdoc/>
    public int Channels => _options.Channels;

    /// <inheritdoc/>
    public int Size => _options.Size;

    /// <inheritdoc/>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>The image files kept, in dataset order.</summary>
    public IReadOnlyList<string> Files => _files;

    /// <summary>Files left out because they could not be decoded, with the reason, in path order.</summary>
    public IReadOnlyList<SkippedImage> Skipped { get; }

    /// <summary>Gray (1-channel) files converted to R = G = B for a 3-channel set, in path order.</summary>
    public IReadOnlyList<string> ConvertedGray { get; }

    /// <summary>Whether prepared images are held in memory.</summary>
    public bool IsCached => _cache is not null;

    /// <summary>Opens <c>folder/&lt;class&gt;/&lt;image&gt;</c>.</summary>
    /// <param name="folder">The split folder (e.g. train or val).</param>
    /// <param name="options">Size, channels, class list and checks.</param>
    /// <exception cref="DirectoryNotFoundException">The folder is missing.</exception>
    /// <exception cref="InvalidDataException">No class folders, an empty class folder, or a class the given class
    /// list lacks; the message names the path.</exception>
    public static ImageFolderDataset Open(string folder, ImageFolderOptions options)
    {
        Check(options);
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"{folder}: image folder not found.");
        var classDirs = Directory.GetDirectories(folder).Order(StringComparer.Ordinal).ToArray();
        if (classDirs.Length == 0)
            throw new InvalidDataException($"{folder}: no class folders; expected {folder}/<class>/<image>.");

        IReadOnlyList<string> classNames = options.ClassNames ?? classDirs.Select(d => Path.GetFileName(d)!).ToArray();
        var index = classNames.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => p.i, StringComparer.Ordinal);
        var files = new List<string>();
        var labels = new List<int>();
        foreach (var dir in classDirs)
        {
            string name = Path.GetFileName(dir)!;
            if (!index.TryGetValue(name, out int label))
                throw new InvalidDataException($"{dir}: class '{name}' is not among the {classNames.Count} training classes.");
            var images = ImageFiles.In(dir);
            if (images.Length == 0)
                throw new InvalidDataException($"{dir}: class folder '{name}' holds no images ({string.Join(", ", ImageFiles.Extensions)}).");
            files.AddRange(images);
            labels.AddRange(Enumerable.Repeat(label, images.Length));
        }
        var dataset = Build(folder, files, labels, classNames, options);
        foreach (var dir in classDirs)
        {
            string name = Path.GetFileName(dir)!;
            if (!dataset._labels.Contains(index[name]))
                throw new InvalidDataException($"{dir}: every image in class folder '{name}' failed to decode (see the skipped list).");
        }
        return dataset;
    }

    /// <summary>
    /// Opens ImageNet's flat validation folder: the images sorted by name, and a ground-truth file whose line i
    /// is the 1-based class number of image i in the sorted class (synset) order of <paramref name="classNames"/>.
    /// </summary>
    /// <param name="folder">The folder of images.</param>
    /// <param name="groundTruthFile">One 1-based class number per line.</param>
    /// <param name="classNames">The training set's classes, sorted as the ground truth counts them.</param>
    /// <param name="options">Size, channels and checks (its ClassNames is ignored).</param>
    /// <exception cref="InvalidDataException">Line count or a class number does not fit; the message names file and row.</exception>
    public static ImageFolderDataset OpenFlat(string folder, string groundTruthFile, IReadOnlyList<string> classNames, ImageFolderOptions options)
    {
        Check(options);
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"{folder}: validation folder not found.");
        if (!File.Exists(groundTruthFile)) throw new FileNotFoundException($"{groundTruthFile}: ground-truth file not found.", groundTruthFile);
        var images = ImageFiles.In(folder);
        if (images.Length == 0) throw new InvalidDataException($"{folder}: the validation folder holds no images.");
        var lines = File.ReadAllLines(groundTruthFile).Select(l => l.Trim()).ToArray();
        int lineCount = lines.Length;
        while (lineCount > 0 && lines[lineCount - 1].Length == 0) lineCount--;
        if (lineCount != images.Length)
            throw new InvalidDataException($"{groundTruthFile}: {lineCount} labels for the {images.Length} images in {folder}.");
        var labels = new List<int>(images.Length);
        for (int row = 0; row < lineCount; row++)
        {
            if (!int.TryParse(lines[row], NumberStyles.Integer, CultureInfo.InvariantCulture, out int number))
                throw new InvalidDataException($"{groundTruthFile}: row {row + 1}: '{lines[row]}' is not a class number.");
            if (number < 1 || number > classNames.Count)
                throw new InvalidDataException($"{groundTruthFile}: row {row + 1}: class {number} is outside 1…{classNames.Count} (class numbers are 1-based).");
            labels.Add(number - 1);
        }
        return Build(folder, images.ToList(), labels, classNames, options with { ClassNames = classNames });
    }

    /// <inheritdoc/>
    public int GetLabel(int index) => _labels[index];

    /// <inheritdoc/>
    public void ReadImage(int index, Span<float> dest)
    {
        int length = Channels * Size * Size;
        if (dest.Length != length)
            throw new ArgumentException($"Destination holds {dest.Length} values; a {Channels}x{Size}x{Size} image needs {length}.", nameof(dest));
        if (_cache is not null)
        {
            var bytes = _cache[index] ??= Prepare(_files[index]);
            for (int i = 0; i < length; i++) dest[i] = bytes[i];
            return;
        }
        PaperPreparation.Load(_files[index], Size, Channels, dest, _options.Decode);
    }

    private byte[] Prepare(string path)
    {
        var bytes = new byte[Channels * Size * Size];
        PaperPreparation.Load(path, Size, Channels, bytes, _options.Decode);
        return bytes;
    }

    private static ImageFolderDataset Build(string root, List<string> files, List<int> labels, IReadOnlyList<string> classNames, ImageFolderOptions options)
    {
        int length = options.Channels * options.Size * options.Size;
        bool cache = (long)files.Count * length <= options.CacheBytes;
        var prepared = new byte[]?[files.Count];
        var problems = new string?[files.Count];
        var gray = new bool[files.Count];
        var rejected = new ConcurrentBag<string>();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.MaxDegreeOfParallelism ?? -1 };
        Parallel.For(0, files.Count, parallel, i =>
        {
            try
            {
                var header = ImageDecoder.ReadHeader(files[i], options.Decode);
                if (header.IsGray && options.Channels == 3)
                {
                    if (options.RejectGray) rejected.Add(files[i]);
                    gray[i] = true;
                }
                if (!options.Verify) return;
                var bytes = new byte[length];
                PaperPreparation.Load(files[i], options.Size, options.Channels, bytes, options.Decode);
                if (cache) prepared[i] = bytes;
            }
            catch (ImageDecodeException e)
            {
                problems[i] = e.Reason;
            }
        });
        if (!rejected.IsEmpty)
        {
            var list = rejected.Order(StringComparer.Ordinal).ToArray();
            throw new InvalidDataException(
                $"{list[0]}: a 1-channel (gray) image in a 3-channel set ({list.Length} such file(s); the first {Math.Min(5, list.Length)}: {string.Join(", ", list.Take(5))}).");
        }

        var keep = Enumerable.Range(0, files.Count).Where(i => problems[i] is null).ToArray();
        if (keep.Length == 0)
            throw new InvalidDataException($"{root}: none of the {files.Count} image files could be decoded (first: {files[0]}: {problems[0]}).");
        var skipped = Enumerable.Range(0, files.Count).Where(i => problems[i] is not null)
            .Select(i => new SkippedImage(files[i], problems[i]!)).OrderBy(s => s.Path, StringComparer.Ordinal).ToArray();
        var converted = Enumerable.Range(0, files.Count).Where(i => gray[i] && problems[i] is null)
            .Select(i => files[i]).Order(StringComparer.Ordinal).ToArray();
        return new ImageFolderDataset(root, keep.Select(i => files[i]).ToArray(), keep.Select(i => labels[i]).ToArray(), classNames, options,
            skipped, converted, cache ? keep.Select(i => prepared[i]).ToArray() : null);
    }

    private static void Check(ImageFolderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Size, 1);
        if (options.Channels is not (1 or 3))
            throw new ArgumentOutOfRangeException(nameof(options), options.Channels, "Channels must be 3 (R, G, B) or 1 (gray).");
    }
}
