using AlexNet.Training.Training;

namespace AlexNet.MLNet.Training.Tests;

/// <summary>A run's weights and state, read back from its checkpoint.</summary>
internal static class Weights
{
    public static TrainingState State(string runDir) => Checkpoint.ReadState<TrainingState>(Path.Combine(runDir, Trainer.CheckpointFile));

    /// <summary>The model's tensors (model.*) of a run folder's checkpoint.</summary>
    public static Dictionary<string, float[]> Of(string runDir) =>
        Checkpoint.Load<TrainingState>(Path.Combine(runDir, Trainer.CheckpointFile)).Tensors
            .Where(t => t.Key.StartsWith("model.", StringComparison.Ordinal)).ToDictionary(t => t.Key, t => t.Value.Data);

    /// <summary>Asserts two runs hold the same tensors, bit for bit, and returns how many values were compared.</summary>
    public static long AssertIdentical(Dictionary<string, float[]> expected, Dictionary<string, float[]> actual)
    {
        CollectionAssert.AreEquivalent(expected.Keys.ToArray(), actual.Keys.ToArray());
        long compared = 0;
        foreach (var (name, values) in expected)
        {
            var other = actual[name];
            Assert.HasCount(values.Length, other, name);
            for (int i = 0; i < values.Length; i++)
                if (BitConverter.SingleToInt32Bits(values[i]) != BitConverter.SingleToInt32Bits(other[i]))
                    Assert.Fail($"{name}[{i}]: {values[i]:R} against {other[i]:R}");
            compared += values.Length;
        }
        return compared;
    }
}
