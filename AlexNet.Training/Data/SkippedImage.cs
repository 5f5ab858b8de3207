namespace AlexNet.Training.Data;

/// <summary>An image file left out of a dataset because it could not be decoded.</summary>
/// <param name="Path">The file.</param>
/// <param name="Reason">What was wrong with it.</param>
public sealed record SkippedImage(string Path, string Reason);
