namespace AlexNet.Samples.PipelineComposition;

/// <summary>What the sample measured and wrote.</summary>
/// <param name="Model">The model.onnx the features came from.</param>
/// <param name="ImageFolder">The labelled image folder.</param>
/// <param name="MlNetModel">The saved ML.NET pipeline (image loading, AlexNet, the trained classifier).</param>
/// <param name="TestImages">Held-out images ML.NET evaluated on.</param>
/// <param name="MicroAccuracy">ML.NET's micro-accuracy of the fc7 + LbfgsMaximumEntropy classifier.</param>
/// <param name="MacroAccuracy">ML.NET's macro-accuracy.</param>
/// <param name="LogLoss">ML.NET's log-loss.</param>
/// <param name="ReloadedAgreement">Held-out images on which the reloaded zip predicts the same class as the fitted pipeline.</param>
/// <param name="ReloadedMaxScoreDifference">Largest absolute difference between the two pipelines' scores.</param>
public sealed record CompositionResult(string Model, string ImageFolder, string MlNetModel, int TestImages, double MicroAccuracy,
    double MacroAccuracy, double LogLoss, int ReloadedAgreement, double ReloadedMaxScoreDifference);
