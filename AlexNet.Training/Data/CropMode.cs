namespace AlexNet.Training.Data;

/// <summary>How <see cref="BatchLoader"/> cuts the network's input out of the prepared R×R image.</summary>
public enum CropMode
{
    /// <summary>Training (section 4.1): a random S×S patch and, with probability ½, its horizontal reflection.</summary>
    Random,
    /// <summary>Single-crop evaluation: the central S×S patch.</summary>
    Centre,
    /// <summary>Ten-crop evaluation (section 4.1): the four corner and the central patches and their reflections; see <see cref="TenCrop"/>.</summary>
    TenCrop,
}
