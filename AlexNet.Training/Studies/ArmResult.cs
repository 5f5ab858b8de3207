using AlexNet.Onnx.Model;
using AlexNet.Training.Training;

namespace AlexNet.Training.Studies;

/// <summary>What one trained arm measured.</summary>
/// <param name="Key">The arm's training key (<see cref="StudyArm.Key"/>).</param>
/// <param name="DataName">Data it trained on.</param>
/// <param name="History">Per-epoch curves: training loss and error (augmented, dropout on), validation error.</param>
/// <param name="TrainError">Top-1 error on the first evaluation-size sample of its training images, centre crop, eval mode.</param>
/// <param name="Test">Test error, centre crop (and ten-crop for the paper's configuration).</param>
/// <param name="Seconds">Wall time of the whole arm: training, validation and final evaluation (for an arm continued after
/// its process ended, the earlier processes' validation passes are not counted).</param>
/// <param name="Parameters">Trainable parameters.</param>
/// <param name="InitialConv1">conv1 weights per tower before training.</param>
/// <param name="TrainedConv1">conv1 weights per tower after training.</param>
public sealed record ArmResult(string Key, string DataName, IReadOnlyList<EpochMetrics> History, EvaluationResult TrainError,
    FinalEvaluation Test, double Seconds, long Parameters, IReadOnlyList<WeightTensor> InitialConv1, IReadOnlyList<WeightTensor> TrainedConv1);
