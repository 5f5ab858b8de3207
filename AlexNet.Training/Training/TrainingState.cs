namespace AlexNet.Training.Training;

/// <summary>What a checkpoint records besides tensors: enough to continue a run exactly.</summary>
public sealed record TrainingState
{
    /// <summary>Options of the run (the architecture is rebuilt from them).</summary>
    [System.Text.Json.Serialization.JsonConverter(typeof(StoredTrainOptions))]
    public required TrainOptions Options { get; init; }
    /// <summary>Class names in label order.</summary>
    public required string[] ClassNames { get; init; }
    /// <summary>Image channels of the data.</summary>
    public required int Channels { get; init; }
    /// <summary>Fully completed epochs.</summary>
    public int CompletedEpochs { get; init; }
    /// <summary>Batches already done in the current (incomplete) epoch.</summary>
    public int BatchInEpoch { get; init; }
    /// <summary>Optimisation steps done in total.</summary>
    public long Step { get; init; }
    /// <summary>Current ε.</summary>
    public double LearningRate { get; init; }
    /// <summary>Schedule: best validation error so far.</summary>
    public double BestValError { get; init; } = double.PositiveInfinity;
    /// <summary>Schedule: epochs since the best error improved.</summary>
    public int EpochsSinceImprovement { get; init; }
    /// <summary>Schedule: drops made.</summary>
    public int LearningRateDrops { get; init; }
    /// <summary>Running sums of the incomplete epoch (loss, wrong, seen, seconds), so a resumed epoch reports the same.</summary>
    public double[] PartialEpoch { get; init; } = [0, 0, 0, 0];
    /// <summary>Finished epochs' metrics.</summary>
    public List<EpochMetrics> History { get; init; } = [];
    /// <summary>The training loss and error every <see cref="RuntimeOptions.LogEvery"/> steps.</summary>
    public List<StepMetrics> Steps { get; init; } = [];
    /// <summary>Running sums since the last <see cref="Steps"/> row (loss, wrong, seen), so a resumed run logs the same rows.</summary>
    public double[] PartialInterval { get; init; } = [0, 0, 0];
}
