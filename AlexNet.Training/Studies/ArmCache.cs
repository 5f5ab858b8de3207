using System.Text.Json;
using AlexNet.Onnx.Model;

namespace AlexNet.Training.Studies;

/// <summary>
/// Finished arms stored as arm.json in their run folder, so a later or parallel <c>study</c> invocation under the same
/// budget reuses them instead of training again; and the start of an arm (arm-start.json: its conv1 kernels before
/// training), so an arm whose process ended mid-training continues from its checkpoint. Either counts only when its
/// budget signature matches.
/// </summary>
public static class ArmCache
{
    /// <summary>File name inside the arm's run folder.</summary>
    public const string FileName = "arm.json";

    private static readonly JsonSerializerOptions Json = new() { IncludeFields = false, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <summary>What must match for a stored arm to be reused: everything in the budget that shapes training.</summary>
    /// <param name="b">The budget.</param>
    public static string Signature(StudyBudget b) =>
        $"{Path.GetFullPath(b.Data)}|{b.ColourData}|{b.TrainLimit}|{b.EvalLimit}|{b.Epochs}|{b.BatchSize}|{b.Seed}" + (b.TestLimit is { } t ? $"|test{t}" : "");

    /// <summary>The stored arm in <paramref name="runDir"/> when it was trained under <paramref name="budget"/>; otherwise null.</summary>
    /// <param name="runDir">The arm's run folder.</param>
    /// <param name="budget">The budget in force.</param>
    public static ArmResult? Load(string runDir, StudyBudget budget)
    {
        var path = Path.Combine(runDir, FileName);
        if (!File.Exists(path)) return null;
        try
        {
            var stored = JsonSerializer.Deserialize<Stored>(File.ReadAllText(path), Json);
            return stored?.Signature == Signature(budget) ? stored.Arm : null;
        }
        catch (JsonException) { return null; }
    }

    /// <summary>Stores a finished arm (atomically).</summary>
    /// <param name="runDir">The arm's run folder.</param>
    /// <param name="budget">The budget it trained under.</param>
    /// <param name="arm">The result.</param>
    public static void Save(string runDir, StudyBudget budget, ArmResult arm)
    {
        Directory.CreateDirectory(runDir);
        var path = Path.Combine(runDir, FileName);
        File.WriteAllText(path + ".tmp", JsonSerializer.Serialize(new Stored(Signature(budget), arm), Json));
        File.Move(path + ".tmp", path, overwrite: true);
    }

    /// <summary>File name of an arm's start inside its run folder.</summary>
    public const string StartFileName = "arm-start.json";

    /// <summary>The conv1 kernels an arm started from, when it started under <paramref name="budget"/>; otherwise null.</summary>
    /// <param name="runDir">The arm's run folder.</param>
    /// <param name="budget">The budget in force.</param>
    public static IReadOnlyList<WeightTensor>? LoadStart(string runDir, StudyBudget budget)
    {
        var path = Path.Combine(runDir, StartFileName);
        if (!File.Exists(path)) return null;
        try
        {
            var stored = JsonSerializer.Deserialize<StoredStart>(File.ReadAllText(path), Json);
            return stored?.Signature == Signature(budget) ? stored.InitialConv1 : null;
        }
        catch (JsonException) { return null; }
    }

    /// <summary>Stores the start of an arm (atomically), before its first step.</summary>
    /// <param name="runDir">The arm's run folder.</param>
    /// <param name="budget">The budget it trains under.</param>
    /// <param name="initialConv1">conv1 per tower before training: a resumed trainer loads the trained weights instead.</param>
    public static void SaveStart(string runDir, StudyBudget budget, IReadOnlyList<WeightTensor> initialConv1)
    {
        Directory.CreateDirectory(runDir);
        var path = Path.Combine(runDir, StartFileName);
        File.WriteAllText(path + ".tmp", JsonSerializer.Serialize(new StoredStart(Signature(budget), initialConv1), Json));
        File.Move(path + ".tmp", path, overwrite: true);
    }

    private sealed record Stored(string Signature, ArmResult Arm);
    private sealed record StoredStart(string Signature, IReadOnlyList<WeightTensor> InitialConv1);
}
