using AlexNet.Training.Training;

namespace AlexNet.Training.Studies;

/// <summary>
/// Epochs until the training error first reaches a threshold (the paper's Figure 1 measure), read off the per-epoch
/// curve by linear interpolation; the curve starts at chance (1 − 1/classes) at epoch 0.
/// </summary>
public static class ThresholdCrossing
{
    /// <summary>The (fractional) epoch at which the training error first reaches <paramref name="threshold"/>; null if it never does.</summary>
    /// <param name="history">Per-epoch metrics.</param>
    /// <param name="threshold">Training error to reach, e.g. 0.25.</param>
    /// <param name="classes">Number of classes (sets the epoch-0 point).</param>
    public static double? Epochs(IReadOnlyList<EpochMetrics> history, double threshold, int classes)
    {
        double prevEpoch = 0, prevError = 1.0 - 1.0 / classes;
        if (prevError <= threshold) return 0;
        foreach (var row in history)
        {
            if (row.TrainError <= threshold)
                return prevEpoch + (prevError - threshold) / (prevError - row.TrainError) * (row.Epoch - prevEpoch);
            prevEpoch = row.Epoch;
            prevError = row.TrainError;
        }
        return null;
    }
}
