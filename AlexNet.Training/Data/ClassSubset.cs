namespace AlexNet.Training.Data;

/// <summary>
/// The images of some classes of another dataset, relabelled 0 … k − 1 in the order the classes are given, optionally at
/// most <see cref="PerClass"/> images of each: the first ones of each class in the inner dataset's order, so the same
/// arguments always give the same images. For transfer learning: train on classes 0–4 of a dataset, fine-tune on a few
/// images of classes 5–9. Reads pass through to the inner dataset; the view holds only an index list.
/// </summary>
public sealed class ClassSubset : IImageDataset
{
    private readonly IImageDataset _inner;
    private readonly int[] _indices;
    private readonly int[] _labels;
    private readonly int[] _counts;

    /// <summary>Keeps the images of <paramref name="classes"/> (labels of <paramref name="inner"/>), relabelled by their
    /// position in that list, and at most <paramref name="perClass"/> images of each class when it is given.</summary>
    /// <param name="inner">The dataset to take images from.</param>
    /// <param name="classes">Labels of <paramref name="inner"/> to keep, each once; the first becomes label 0.</param>
    /// <param name="perClass">Keep at most this many images of each class, the first in dataset order; all when null.</param>
    /// <exception cref="ArgumentException">No class, a class repeated, or a label outside the inner dataset's classes.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="perClass"/> is below 1.</exception>
    public ClassSubset(IImageDataset inner, IReadOnlyList<int> classes, int? perClass = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(classes);
        if (perClass is { } cap) ArgumentOutOfRangeException.ThrowIfLessThan(cap, 1, nameof(perClass));
        if (classes.Count == 0) throw new ArgumentException("Keep at least one class.", nameof(classes));
        var position = new Dictionary<int, int>();
        foreach (int c in classes)
        {
            if ((uint)c >= (uint)inner.ClassNames.Count)
                throw new ArgumentException($"Class {c} is not one of the dataset's {inner.ClassNames.Count} classes (0 … {inner.ClassNames.Count - 1}).", nameof(classes));
            if (!position.TryAdd(c, position.Count))
                throw new ArgumentException($"Class {c} ({inner.ClassNames[c]}) is listed twice.", nameof(classes));
        }

        _inner = inner;
        SourceClasses = classes.ToArray();
        PerClass = perClass;
        ClassNames = classes.Select(c => inner.ClassNames[c]).ToArray();
        _counts = new int[classes.Count];
        var indices = new List<int>();
        var labels = new List<int>();
        int limit = perClass ?? int.MaxValue;
        for (int i = 0; i < inner.Count; i++)
            if (position.TryGetValue(inner.GetLabel(i), out int label) && _counts[label] < limit)
            {
                _counts[label]++;
                indices.Add(i);
                labels.Add(label);
            }
        _indices = [.. indices];
        _labels = [.. labels];
    }

    /// <summary>The inner dataset's labels that were kept, in the order of the new labels.</summary>
    public IReadOnlyList<int> SourceClasses { get; }

    /// <summary>The cap on images per class, or null for all of them.</summary>
    public int? PerClass { get; }

    /// <summary>Images kept of each new label (below <see cref="PerClass"/> where the inner dataset has fewer).</summary>
    public IReadOnlyList<int> CountPerClass => _counts;

    /// <inheritdoc/>
    public int Count => _indices.Length;

    /// <inheritdoc/>
    public int Channels => _inner.Channels;

    /// <inheritdoc/>
    public int Size => _inner.Size;

    /// <summary>The kept classes' names, in the order of the new labels.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Where image <paramref name="index"/> of this view sits in the inner dataset.</summary>
    /// <param name="index">0 … Count − 1.</param>
    public int SourceIndex(int index) => _indices[Check(index)];

    /// <inheritdoc/>
    public int GetLabel(int index) => _labels[Check(index)];

    /// <inheritdoc/>
    public void ReadImage(int index, Span<float> dest) => _inner.ReadImage(_indices[Check(index)], dest);

    private int Check(int index) => (uint)index < (uint)_indices.Length ? index
        : throw new ArgumentOutOfRangeException(nameof(index), index, $"The view holds {_indices.Length} images.");
}
