namespace AlexNet.Training.Training;

/// <summary>
/// Section 5's schedule: divide the learning rate by 10 when the validation error stops improving at the
/// current rate, at most <see cref="MaxDrops"/> times (the paper did it three times).
/// </summary>
public sealed class PlateauSchedule
{
    /// <summary>Epochs without improvement before a drop (<see cref="LearningRateSchedule.Plateau"/> holds the default).</summary>
    public required int Patience { get; init; }
    /// <summary>Most drops allowed.</summary>
    public required int MaxDrops { get; init; }
    /// <summary>Factor applied at each drop, and at each of a step schedule's milestones: ÷ 10, as in the paper.</summary>
    public const double Factor = 0.1;
    /// <summary>An error must fall by more than this to count as an improvement.</summary>
    public double MinImprovement { get; init; } = 1e-4;

    /// <summary>Lowest validation error seen.</summary>
    public double BestError { get; set; } = double.PositiveInfinity;
    /// <summary>Epochs since the best error improved.</summary>
    public int EpochsSinceImprovement { get; set; }
    /// <summary>Drops made so far.</summary>
    public int Drops { get; set; }

    /// <summary>Records an epoch's validation error and returns the learning rate to use next.</summary>
    /// <param name="validationError">Top-1 validation error of the epoch.</param>
    /// <param name="learningRate">The current rate.</param>
    public double Observe(double validationError, double learningRate)
    {
        if (validationError < BestError - MinImprovement)
        {
            BestError = validationError;
            EpochsSinceImprovement = 0;
            return learningRate;
        }
        EpochsSinceImprovement++;
        if (EpochsSinceImprovement < Patience || Drops >= MaxDrops) return learningRate;
        Drops++;
        EpochsSinceImprovement = 0;
        return learningRate * Factor;
    }
}
