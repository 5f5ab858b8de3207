namespace AlexNet.Reliability.Tests.Training;

/// <summary>The shape of the child training runs: <see cref="Epochs"/> epochs of <see cref="StepsPerEpoch"/> steps (64 images, batch 16).</summary>
internal static class ReferenceRun
{
    public const int Epochs = 4;
    public const int StepsPerEpoch = 4;
}
