using AlexNet.Training.Data;

namespace AlexNet.Training.Studies;

/// <summary>The first <c>count</c> images of another dataset (to measure training error on a fixed sample).</summary>
/// <param name="inner">The dataset.</param>
/// <param name="count">How many images, at most.</param>
public sealed class FirstImages(IImageDataset inner, int count) : IImageDataset
{
    /// <inheritdoc />
    public int Count { get; } = Math.Min(count, inner.Count);
    /// <inheritdoc />
    public int Channels => inner.Channels;
    /// <inheritdoc />
    public int Size => inner.Size;
    /// <inheritdoc />
    public IReadOnlyList<string> ClassNames => inner.ClassNames;
    /// <inheritdoc />
    public int GetLabel(int index) => inner.GetLabel(Check(index));
    /// <inheritdoc />
    public void ReadImage(int index, Span<float> dest) => inner.ReadImage(Check(index), dest);
    private int Check(int index) => (uint)index < (uint)Count ? index : throw new ArgumentOutOfRangeException(nameof(index));
}
