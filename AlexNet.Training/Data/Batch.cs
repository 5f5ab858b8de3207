namespace AlexNet.Training.Data;

/// <summary>One mini-batch, ready to become a tensor.</summary>
/// <param name="Images">Count × CropsPerImage × C × S × S floats, image-major (the crops of one image are adjacent).</param>
/// <param name="Labels">Count labels, one per image (not per crop).</param>
/// <param name="Count">Images in this batch (the last batch of an epoch may be short).</param>
/// <param name="Indices">The dataset index of each image.</param>
/// <param name="CropsPerImage">1, or 10 for ten-crop.</param>
public sealed record Batch(float[] Images, int[] Labels, int Count, int[] Indices, int CropsPerImage);
