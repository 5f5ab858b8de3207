using AlexNet.Reliability.Tests.Support;

namespace AlexNet.Reliability.Tests.Training;

/// <summary><c>train --resume</c> on a damaged checkpoint: exit code 1, an error naming the file, the file left as it was.</summary>
[TestClass]
public sealed class CorruptCheckpointTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);
    private static readonly TempFolder Source = new();
    private static readonly Lazy<byte[]> Good = new(() =>
    {
        int code = TrainingProcess.Run(TrainingProcess.TrainArgs(Source.Path, epochs: 1, maxSteps: 1), Patience, out var stderr);
        Assert.AreEqual(0, code, TrainingProcess.Tail(stderr));
        return File.ReadAllBytes(Checkpoints.In(Source.Path));
    });

    [ClassCleanup]
    public static void DeleteSource() => Source.Dispose();

    private static byte[] Damage(byte[] good, string damage)
    {
        var bytes = (byte[])good.Clone();
        switch (damage)
        {
            case "one bit flipped in the weights": bytes[bytes.Length / 2] ^= 0x10; return bytes;
            case "one bit flipped in the state block": bytes[40] ^= 0x01; return bytes;
            case "truncated to half": return bytes[..(bytes.Length / 2)];
            case "last byte missing": return bytes[..^1];
            case "header only": return bytes[..12];
            case "zero bytes": return [];
            case "random bytes": new Random(3).NextBytes(bytes); return bytes;
            default: throw new ArgumentException(damage);
        }
    }

    [TestMethod]
    [DataRow("one bit flipped in the weights", "Checkpoint '{0}' is truncated or corrupt (checksum mismatch)")]
    [DataRow("one bit flipped in the state block", "Checkpoint '{0}' is truncated or corrupt (checksum mismatch)")]
    [DataRow("truncated to half", "Checkpoint '{0}' is truncated or corrupt (checksum mismatch)")]
    [DataRow("last byte missing", "Checkpoint '{0}' is truncated or corrupt (checksum mismatch)")]
    [DataRow("header only", "'{0}' is not an AlexNet checkpoint (bad header, 12 bytes)")]
    [DataRow("zero bytes", "'{0}' is not an AlexNet checkpoint (bad header, 0 bytes)")]
    [DataRow("random bytes", "'{0}' is not an AlexNet checkpoint (bad header")]
    public void ResumeFromADamagedCheckpointFailsNamingTheFileAndLeavesItAlone(string damage, string message)
    {
        using var run = new TempFolder();
        string ckpt = Checkpoints.In(run.Path);
        var damaged = Damage(Good.Value, damage);
        File.WriteAllBytes(ckpt, damaged);

        int code = TrainingProcess.Run(TrainingProcess.TrainArgs(run.Path, epochs: 1, resume: true), Patience, out var stderr);

        Assert.AreEqual(1, code, TrainingProcess.Tail(stderr));
        StringAssert.Contains(stderr, "error: " + string.Format(System.Globalization.CultureInfo.InvariantCulture, message, ckpt));
        Assert.DoesNotContain("   at ", stderr, "no stack trace");
        CollectionAssert.AreEqual(damaged, File.ReadAllBytes(ckpt));
    }
}
