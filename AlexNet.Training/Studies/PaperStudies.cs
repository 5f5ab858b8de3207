using AlexNet.Onnx.Model;

namespace AlexNet.Training.Studies;

/// <summary>The paper's ablations, each its choice against the alternative it was measured against.</summary>
public static class PaperStudies
{
    /// <summary>Every study, in the paper's order.</summary>
    public static IReadOnlyList<Study> All { get; } =
    [
        new("relu", "ReLU vs tanh", "section 3.1, Figure 1",
            "a 4-layer CNN with ReLUs reaches 25% training error on CIFAR-10 six times faster than with tanh",
            StudyMeasure.EpochsToThreshold, false,
            StudyArm.Paper("ReLU (paper)"), new("tanh", o => o with { Architecture = o.Architecture with { Activation = Activation.Tanh } })),
        new("lrn", "Local response normalisation on vs off", "section 3.3",
            "LRN reduces top-1/top-5 error by 1.4%/1.2% on ImageNet; a 4-layer CNN on CIFAR-10 goes from 13% to 11% test error",
            StudyMeasure.TestError, false,
            StudyArm.Paper("LRN (paper)"), new("no LRN", o => o with { Architecture = o.Architecture with { Lrn = false } })),
        new("lrn-scaled", "LRN at the strength of the paper's pixel scale vs off", "section 3.3",
            "LRN reduces top-1/top-5 error by 1.4%/1.2% on ImageNet; a 4-layer CNN on CIFAR-10 goes from 13% to 11% test error",
            StudyMeasure.TestError, false,
            new("LRN, α ÷ pixel scale²", o => o with { Architecture = o.Architecture with { LrnAlpha = o.Architecture.LrnAlpha / (o.EffectivePixelScale * o.EffectivePixelScale) } }),
            new("no LRN", o => o with { Architecture = o.Architecture with { Lrn = false } })),
        new("pooling", "Overlapping pooling 3/2 vs 2/2", "section 3.4",
            "overlapping pooling (z=3, s=2) reduces top-1/top-5 error by 0.4%/0.3% against z=2, s=2",
            StudyMeasure.TestError, false,
            StudyArm.Paper("pool 3/2 (paper)"), new("pool 2/2", o => o with { Architecture = o.Architecture with { OverlappingPooling = false } })),
        new("towers", "Two towers vs one tower with half the kernels", "section 3.2",
            "the two-GPU net has 1.7%/1.2% lower top-1/top-5 error than a one-GPU net with half as many kernels in each convolutional layer",
            StudyMeasure.TestError, false,
            StudyArm.Paper("two towers (paper)"), new("one tower, half the kernels", o => o with { Architecture = o.Architecture with { OneTower = true } })),
        new("pca", "PCA colour augmentation on vs off", "section 4.1",
            "PCA colour augmentation reduces top-1 error by over 1% on ImageNet",
            StudyMeasure.TestError, true,
            StudyArm.Paper("PCA colour (paper)"), new("no PCA colour", o => o with { Augmentation = o.Augmentation with { PcaLighting = false } })),
        new("dropout", "Dropout on vs off", "section 4.2",
            "without dropout the network overfits substantially; dropout roughly doubles the iterations needed to converge",
            StudyMeasure.OverfittingAndConvergence, false,
            StudyArm.Paper("dropout 0.5 (paper)"), new("no dropout", o => o with { Architecture = o.Architecture with { Dropout = 0 } })),
        new("tencrop", "Ten-crop vs centre crop at test time", "section 4.1",
            "the paper averages the softmax of ten 224 crops (corners, centre, and their mirrors) at test time; it reports no separate figure for this choice",
            StudyMeasure.TenCrop, false,
            StudyArm.Paper("paper model"), null),
    ];

    /// <summary>A study by name.</summary>
    /// <param name="name">relu, lrn, pooling, towers, pca, dropout or tencrop.</param>
    /// <exception cref="ArgumentException">Unknown name.</exception>
    public static Study Get(string name) =>
        All.FirstOrDefault(s => s.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"Unknown study '{name}'. Studies: {string.Join(", ", All.Select(s => s.Name))}, kernels, all.");
}
