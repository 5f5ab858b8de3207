using System.Text.Json;
using AlexNet.Onnx.Export;
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
    public static ArmResult? Load(string runDir, StudyBudget budget) => Read<Stored>(Path.Combine(runDir, FileName), budget, s => s.Signature)?.Arm;

    /// <summary>Stores a finished arm (atomically).</summary>
    /// <param name="runDir">The arm's run folder.</param>
    /// <param name="budget">The budget it trained under.</param>
    /// <param name="arm">The result.</param>
    public static void Save(string runDir, StudyBudget budget, ArmResult arm) => Write(runDir, FileName, new Stored(Signature(budget), arm));

    /// <summary>File name of an arm's start inside its run folder.</summary>
    public const string StartFileName = "arm-start.json";

    /// <summary>The conv1 kernels an arm started from, when it started under <paramref name="budget"/>; otherwise null.</summary>
    /// <param name="runDir">The arm's run folder.</param>
    /// <param name="budget">The budget in force.</param>
    public static IReadOnlyList<WeightTensor>? LoadStart(string runDir, StudyBudget budget) =>
        Read<StoredStart>(Path.Combine(runDir, StartFileName), budget, s => s.Signature)?.InitialConv1;

    /// <summary>Stores the start of an arm (atomically), before its first step.</summary>
    /// <param name="runDir">The arm's run folder.</param>
    /// <param name="budget">The budget it trains under.</param>
    /// <param name="initialConv1">conv1 per tower before training: a resumed trainer loads the trained weights instead.</param>
    public static void SaveStart(string runDir, StudyBudget budget, IReadOnlyList<WeightTensor> initialConv1) =>
        Write(runDir, StartFileName, new StoredStart(Signature(budget), initialConv1));

    // A stored file when it was written under this budget's signature; null when absent, unreadable or another budget's.
    private static T? Read<T>(string path, StudyBudget budget, Func<T, string> signature) where T : class
    {
        if (!File.Exists(path)) return null;
        try
        {
            var stored = JsonSerializer.Deserialize<T>(File.ReadAllText(path), Json);
            return stored != null && signature(stored) == Signature(budget) ? stored : null;
        }
        catch (JsonException) { return null; }
    }

    private static void Write<T>(string runDir, string file, T stored)
    {
        AtomicFile.WriteText(Path.Combine(runDir, file), JsonSerializer.Serialize(stored, Json));
    }

    private sealed record Stored(string Signature, ArmResult Arm);
    private sealed record StoredStart(string Signature, IReadOnlyList<WeightTensor> InitialConv1);
}
