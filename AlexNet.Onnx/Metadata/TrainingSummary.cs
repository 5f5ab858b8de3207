namespace AlexNet.Onnx.Metadata;

/// <summary>How a model was trained and how well it did, stored with the model so the file explains itself.</summary>
/// <param name="Dataset">Dataset name, e.g. "fashion-mnist" or "ILSVRC-2012".</param>
/// <param name="Epochs">Epochs trained.</param>
/// <param name="Top1Error">Top-1 error on the validation or test set as a fraction (0.375 for the paper's 37.5%), or null if not measured.</param>
/// <param name="Top5Error">Top-5 error as a fraction, or null if not measured.</param>
/// <param name="Notes">Free text: the command line, the evaluation protocol (one centre crop or ten crops), departures from the paper.</param>
public sealed record TrainingSummary(string Dataset, int Epochs, double? Top1Error = null, double? Top5Error = null, string? Notes = null);
