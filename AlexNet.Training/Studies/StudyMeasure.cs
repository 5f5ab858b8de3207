namespace AlexNet.Training.Studies;

/// <summary>What a study reads off its arms.</summary>
public enum StudyMeasure
{
    /// <summary>Test error at the end (LRN, pooling, towers, PCA colour).</summary>
    TestError,
    /// <summary>Epochs until the training error first reaches the threshold (Figure 1: ReLU vs tanh).</summary>
    EpochsToThreshold,
    /// <summary>Overfitting gap (test minus training error) and epochs to the threshold (dropout).</summary>
    OverfittingAndConvergence,
    /// <summary>One model evaluated with a centre crop and with ten crops.</summary>
    TenCrop,
}
