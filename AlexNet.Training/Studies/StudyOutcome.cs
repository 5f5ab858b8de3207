namespace AlexNet.Training.Studies;

/// <summary>A finished study: its arms and the quantities the report compares.</summary>
/// <param name="Study">The study.</param>
/// <param name="Budget">The budget both arms ran under.</param>
/// <param name="Paper">The paper's choice.</param>
/// <param name="Alternative">The alternative; null for the ten-crop study.</param>
public sealed record StudyOutcome(Study Study, StudyBudget Budget, ArmResult Paper, ArmResult? Alternative)
{
    /// <summary>Test top-1 error of the alternative minus the paper's (positive: the paper's choice is better).</summary>
    public double TestErrorDelta => Alternative == null
        ? Paper.Test.CentreCrop.Top1Error - (Paper.Test.TenCrop?.Top1Error ?? double.NaN)
        : Alternative.Test.CentreCrop.Top1Error - Paper.Test.CentreCrop.Top1Error;

    /// <summary>
    /// Standard error of <see cref="TestErrorDelta"/> from test-set size alone, √(p₁(1−p₁)/n + p₂(1−p₂)/n): a floor on
    /// the noise, which ignores the seed-to-seed spread of training.
    /// </summary>
    public double TestErrorDeltaStandardError
    {
        get
        {
            var a = Paper.Test.CentreCrop;
            var b = Alternative?.Test.CentreCrop ?? Paper.Test.TenCrop ?? a;
            return Math.Sqrt(a.Top1Error * (1 - a.Top1Error) / a.Count + b.Top1Error * (1 - b.Top1Error) / b.Count);
        }
    }

    /// <summary>Classes in the data.</summary>
    public int Classes => 10;

    /// <summary>Epochs each arm took to reach the budget's training-error threshold; null where it did not.</summary>
    public (double? Paper, double? Alternative) EpochsToThreshold =>
        (ThresholdCrossing.Epochs(Paper.History, Budget.Threshold, Classes),
         Alternative == null ? null : ThresholdCrossing.Epochs(Alternative.History, Budget.Threshold, Classes));

    /// <summary>Test error minus training error (both centre crop, eval mode) per arm: how much each overfits.</summary>
    public (double Paper, double? Alternative) OverfittingGap =>
        (Gap(Paper), Alternative == null ? null : Gap(Alternative));

    private static double Gap(ArmResult r) => r.Test.CentreCrop.Top1Error - r.TrainError.Top1Error;

    /// <summary>True when the measured test-error difference exceeds twice its standard error.</summary>
    public bool Significant => Math.Abs(TestErrorDelta) > 2 * TestErrorDeltaStandardError;
}
