using AlexNet.Onnx;
using AlexNet.Onnx.Runtime;
using AlexNet.Reliability.Tests.Support;
using Google.Protobuf;
using Onnx;

namespace AlexNet.Reliability.Tests.Hostile;

/// <summary>Bad model files through <see cref="ModelFile.Open"/> and a <see cref="BatchScorer"/>: a <see cref="ModelFileException"/> naming the file and saying what is wrong.</summary>
[TestClass]
public sealed class ModelFileTests
{
    private static readonly TempFolder Folder = new();

    public TestContext TestContext { get; set; } = null!;

    [ClassCleanup]
    public static void DeleteFiles() => Folder.Dispose();

    public static IEnumerable<object[]> Cases => HostileOnnx.Broken(File.ReadAllBytes(TestModels.Rgb)).Select(f => new object[] { f.Name });

    /// <summary>Opens, creates a session and scores one crop of zeros; returns the probabilities.</summary>
    private static float[] OpenAndScore(string path)
    {
        var model = ModelFile.Open(path);
        using var scorer = new BatchScorer(model, new OnnxSessionOptions { IntraOpThreads = 1 });
        var probabilities = new float[scorer.NumClasses];
        var crop = new float[scorer.CropLength];
        var random = new Random(2);
        for (int i = 0; i < crop.Length; i++) crop[i] = random.Next(-128, 128); // mean-subtracted 0–255 levels
        scorer.Score(crop, probabilities);
        return probabilities;
    }

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void BrokenModelFileIsRejectedNamingTheFile(string name)
    {
        var file = HostileOnnx.Broken(File.ReadAllBytes(TestModels.Rgb)).Single(f => f.Name == name);
        var path = file.WriteTo(Folder.Path);
        var error = Within.Catch(30, () => OpenAndScore(path), $"opening {name}");
        TestContext.WriteLine($"{name}: {error?.Message ?? "scored"}");
        var model = Assert.IsInstanceOfType<ModelFileException>(error, error?.ToString() ?? "opened and scored without an error");
        Assert.AreEqual(path, model.FilePath);
        StringAssert.StartsWith(model.Message, $"{path}: {file.Expected}");
    }

    [TestMethod]
    public void LengthsClaimingTwoGigabytesAreRejectedWithoutAllocatingThem()
    {
        var path = Path.Combine(Folder.Path, "claims-2-GB.onnx");
        File.WriteAllBytes(path, HostileOnnx.ClaimsTwoGigabytes);
        var use = MemoryUse.Of(() =>
        {
            for (int i = 0; i < 20; i++) Assert.ThrowsExactly<ModelFileException>(() => ModelFile.Open(path));
        });
        TestContext.WriteLine($"20 opens: {use}");
        Assert.IsLessThan(1L << 20, use.AllocatedBytes, use.ToString());
    }

    /// <summary>Whether the flipped file still parses and one of its initializers differs from the good file's.</summary>
    private static bool ChangesWeights(byte[] flipped, ModelProto good)
    {
        ModelProto model;
        try { model = ModelProto.Parser.ParseFrom(flipped); }
        catch (InvalidProtocolBufferException) { return false; }
        var initializers = model.Graph?.Initializer;
        return initializers is null || initializers.Count != good.Graph.Initializer.Count
            || initializers.Zip(good.Graph.Initializer).Any(p => !p.First.Equals(p.Second));
    }

    // docs/RELIABILITY.md, section 2: the 60 seeded flips all land in the weights (nearly all of the file), and every one
    // is refused by the weights' checksum; none scores, identically or otherwise, and none fails in another way.
    [TestMethod]
    public void SixtySeededByteFlipsAllChangeAWeightAndAreAllRefusedByTheChecksum()
    {
        var good = File.ReadAllBytes(TestModels.Rgb);
        var goodModel = ModelProto.Parser.ParseFrom(good);
        var reference = OpenAndScore(TestModels.Rgb);
        var outcomes = new List<string>();
        int weightFlips = 0, checksumRejected = 0;
        foreach (var file in HostileOnnx.Flipped(good, count: 60, seed: 31))
        {
            var path = file.WriteTo(Folder.Path);
            bool inWeights = ChangesWeights(file.Bytes, goodModel);
            float[]? scores = null;
            var error = Within.Catch(30, () => scores = OpenAndScore(path), $"opening {file.Name}");
            File.Delete(path);
            string outcome = error switch
            {
                ModelFileException e when e.Message.StartsWith($"{path}: the weights do not match their checksum (", StringComparison.Ordinal) => "refused by the checksum",
                ModelFileException e => $"refused otherwise: {e.Message}",
                not null => $"{error.GetType().Name}: {error.Message}",
                null when !scores!.All(float.IsFinite) => "scored non-finite probabilities",
                null => scores!.SequenceEqual(reference) ? "scored identically" : "scored differently",
            };
            if (inWeights) weightFlips++;
            if (outcome == "refused by the checksum") checksumRejected++;
            else outcomes.Add($"{file.Name} ({(inWeights ? "changes a weight" : "weights unchanged")}): {outcome}");
        }
        TestContext.WriteLine($"60 single-byte flips, {weightFlips} changing a weight, {checksumRejected} refused by the checksum");
        Assert.IsEmpty(outcomes, string.Join("\n", outcomes));
        Assert.AreEqual(60, checksumRejected);
        Assert.AreEqual(60, weightFlips, "every seeded flip lands in the weights");
    }
}
