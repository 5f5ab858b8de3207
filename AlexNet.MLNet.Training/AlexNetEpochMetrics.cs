namespace AlexNet.MLNet.Training;

/// <summary>One epoch of training, as <see cref="AlexNetTrainer.Options.MetricsCallback"/> receives it.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="TrainLoss">Mean cross-entropy over the epoch's training batches.</param>
/// <param name="TrainAccuracy">Top-1 accuracy on the (augmented) training batches, 0–1.</param>
/// <param name="ValidationAccuracy">Top-1 accuracy on the validation images, centre crop, 0–1.</param>
/// <param name="LearningRate">The learning rate ε the epoch trained at.</param>
/// <param name="ImagesPerSecond">Training throughput of the epoch's steps.</param>
public sealed record AlexNetEpochMetrics(int Epoch, double TrainLoss, double TrainAccuracy, double ValidationAccuracy, double LearningRate,
    double ImagesPerSecond)
{
    /// <inheritdoc/>
    public override string ToString() =>
        $"epoch {Epoch}: loss {TrainLoss:F4}, train accuracy {TrainAccuracy:P2}, validation accuracy {ValidationAccuracy:P2}, " +
        $"learning rate {LearningRate:g3}, {ImagesPerSecond:F0} images/s";
}
