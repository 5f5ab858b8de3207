namespace AlexNet.Samples.GpuCheck;

/// <summary>The classifier's score column.</summary>
public sealed class ScoreRow
{
    /// <summary>Class probabilities averaged over the ten crops.</summary>
    public float[] Score { get; set; } = [];
}
