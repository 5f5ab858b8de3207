namespace AlexNet.Training.Studies;

/// <summary>The conv1 kernels of the paper's configuration on colour and on gray data (Figure 3).</summary>
/// <param name="Budget">The budget the models trained under.</param>
/// <param name="Colour">Trained on colour data: kernels scored for colourfulness per tower.</param>
/// <param name="Gray">Trained on Fashion-MNIST: 1-channel kernels, gray by construction.</param>
public sealed record KernelOutcome(StudyBudget Budget, ArmResult Colour, ArmResult Gray)
{
    /// <summary>Mean colourfulness of each tower's conv1 kernels before and after training.</summary>
    public IReadOnlyList<(double Initial, double Trained)> TowerColourfulness =>
        Colour.TrainedConv1.Select((w, i) => (KernelColourfulness.Mean(Colour.InitialConv1[i]), KernelColourfulness.Mean(w))).ToList();
}
