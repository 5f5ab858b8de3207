namespace AlexNet.MLNet.Training;

/// <summary>
/// Stops training when the validation accuracy has not improved for a while, as ImageClassificationTrainer's
/// <c>EarlyStopping</c> does with its accuracy metric: after each epoch the accuracy is compared with the best so far (the
/// first epoch's sets it), a rise of at least <see cref="MinDelta"/> is an improvement, and once <see cref="Patience"/>
/// epochs in a row have brought none, training ends and the model as it is then is exported. The count starts afresh
/// when a stopped <c>Fit</c> is resumed.
/// </summary>
public sealed record EarlyStopping
{
    /// <summary>The smallest rise in validation accuracy (0–1) that counts as an improvement.</summary>
    public double MinDelta { get; init; } = 0.01;
    /// <summary>Epochs without an improvement before training stops.</summary>
    public int Patience { get; init; } = 20;

    /// <summary>Follows one run's validation accuracy.</summary>
    internal sealed class Tracker(EarlyStopping rule)
    {
        private double _best = double.NegativeInfinity;
        private int _since;

        /// <summary>Takes an epoch's validation accuracy; true when training should stop.</summary>
        public bool ShouldStop(double accuracy)
        {
            if (double.IsNegativeInfinity(_best) || accuracy - _best >= rule.MinDelta)
            {
                _best = accuracy;
                _since = 0;
                return false;
            }
            return ++_since >= rule.Patience;
        }
    }
}
