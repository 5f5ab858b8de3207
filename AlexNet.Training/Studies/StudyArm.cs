using AlexNet.Training.Training;

namespace AlexNet.Training.Studies;

/// <summary>One side of a comparison: a label and the one change it makes to the paper's options.</summary>
/// <param name="Label">Legend and table text, e.g. "ReLU (paper)".</param>
/// <param name="Apply">Turns the paper's options into this arm's options.</param>
public sealed record StudyArm(string Label, Func<TrainOptions, TrainOptions> Apply)
{
    /// <summary>The paper's own configuration.</summary>
    /// <param name="label">Label, e.g. "two towers (paper)".</param>
    public static StudyArm Paper(string label) => new(label, o => o);

    /// <summary>
    /// A key for the training choices that shape the model and its data, so arms with equal keys are trained once
    /// and shared between studies.
    /// </summary>
    /// <param name="o">Options of the arm.</param>
    /// <param name="dataName">Name of the data it trains on.</param>
    public static string Key(TrainOptions o, string dataName)
    {
        var a = o.Architecture;
        return $"{dataName}-{a.Activation.ToString().ToLowerInvariant()}-lrn{(a.Lrn ? 1 : 0)}-pool{(a.OverlappingPooling ? "32" : "22")}" +
            $"-towers{(a.OneTower ? 1 : 2)}-dropout{a.Dropout:0.##}-pca{(o.Augmentation.PcaLighting ? 1 : 0)}-seed{o.Seed}" +
            (a.Lrn && a.LrnAlpha != new AlexNet.Onnx.Model.LrnSettings().Alpha ? FormattableString.Invariant($"-lrnalpha{a.LrnAlpha:g4}") : "");
    }
}
