using AlexNet.Training.Training;

namespace AlexNet.Reliability.Tests.Support;

/// <summary>Reads checkpoints written by the child processes.</summary>
internal static class Checkpoints
{
    public static string In(string runDir) => Path.Combine(runDir, Trainer.CheckpointFile);

    /// <summary>The step stored in a run folder's checkpoint, or null when there is none; throws when it does not load.</summary>
    public static long? Step(string runDir) =>
        File.Exists(In(runDir)) ? Checkpoint.Load<TrainingState>(In(runDir)).State.Step : null;

    /// <summary>Temporary files a checkpoint write left behind (a process killed while writing).</summary>
    public static string[] Leftovers(string runDir) =>
        Directory.GetFiles(runDir, Trainer.CheckpointFile + ".tmp-*");

    /// <summary>Largest absolute difference over the model weights and momentum velocities of two checkpoints.</summary>
    public static double MaxWeightDifference(string a, string b)
    {
        var x = Checkpoint.Load<TrainingState>(a).Tensors;
        var y = Checkpoint.Load<TrainingState>(b).Tensors;
        CollectionAssert.AreEquivalent(x.Keys.ToArray(), y.Keys.ToArray());
        double max = 0;
        foreach (var (name, t) in x)
        {
            if (!name.StartsWith("model.", StringComparison.Ordinal) && !name.StartsWith("velocity.", StringComparison.Ordinal)) continue;
            var u = y[name].Data;
            Assert.HasCount(t.Data.Length, u, name);
            for (int i = 0; i < u.Length; i++) max = Math.Max(max, Math.Abs((double)t.Data[i] - u[i]));
        }
        return max;
    }
}
