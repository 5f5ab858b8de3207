using AlexNet.Training.Training;

namespace AlexNet.Training.Tests.Training;

/// <summary>A recipe over seeds: each seed's top-1 accuracy and the mean ± sample standard deviation, and the final
/// evaluation file each run leaves behind.</summary>
[TestClass]
public sealed class SeedRunsTests
{
    private static SeedRun Run(int seed, double centreError, double? tenCropError) =>
        new(seed, 40, new FinalEvaluation("test", new EvaluationResult(centreError, 0.002, 10000),
            tenCropError is double e ? new EvaluationResult(e, 0.001, 10000) : null));

    [TestMethod]
    public void AccuracyIsTheMeanAndSampleStandardDeviationOfOneMinusTheError()
    {
        // Accuracies 93.6, 93.9, 94.2 %: mean 93.9 %, sample sd √((0.3² + 0 + 0.3²) / 2) = 0.3 points.
        var runs = new[] { Run(1, 0.064, 0.060), Run(2, 0.061, 0.058), Run(3, 0.058, 0.053) };

        var (mean, sd) = SeedRuns.Accuracy(runs, t => t.CentreCrop);

        Assert.AreEqual(0.939, mean, 1e-12);
        Assert.AreEqual(0.003, sd, 1e-12);
    }

    [TestMethod]
    public void TheReportHasARowPerSeedAndAMeanPlusMinusSdRowForBothCrops()
    {
        var md = SeedRuns.Markdown("Recipe fashion-mnist-94.json", [Run(1, 0.064, 0.060), Run(2, 0.061, 0.058), Run(3, 0.058, 0.053)], "Made by `x`.");
        var lines = md.Split('\n', StringSplitOptions.TrimEntries);

        Assert.AreEqual("# Recipe fashion-mnist-94.json, 3 seeds", lines[0]);
        CollectionAssert.Contains(lines, "Made by `x`.");
        CollectionAssert.Contains(lines, "| 2 | 40 | 93.90 % | 94.20 % |");
        // Ten-crop accuracies 94.0, 94.2, 94.7 %: mean 94.30 %, sd √((0.3² + 0.1² + 0.4²) / 2) = 0.36 points.
        CollectionAssert.Contains(lines, "| mean ± sd | | 93.90 ± 0.30 % | 94.30 ± 0.36 % |");
        StringAssert.Contains(md, "test set (10,000 images)");
    }

    [TestMethod]
    public void RunsWithoutTenCropReportTheCentreCropAlone()
    {
        var md = SeedRuns.Markdown("train", [Run(1, 0.10, null), Run(2, 0.12, null)], null);

        StringAssert.Contains(md, "| seed | epochs | centre crop |\n");
        StringAssert.Contains(md, "| mean ± sd | | 89.00 ± 1.41 % |");
    }

    [TestMethod]
    public void OneSeedHasNoStandardDeviation()
    {
        Assert.AreEqual("90.00 %", SeedRuns.MeanSd(SeedRuns.Accuracy([Run(7, 0.10, null)], t => t.CentreCrop)));
    }

    [TestMethod]
    public void FinalEvaluationReadsBackAsWritten()
    {
        var path = Path.Combine(Path.GetTempPath(), $"final-{Guid.NewGuid():N}", FinalEvaluation.FileName);
        var written = Run(1, 0.0644, 0.0595).Test;

        written.Write(path);

        Assert.AreEqual(written, FinalEvaluation.Read(path));
    }

    [TestMethod]
    public void AFileThatIsNotAFinalEvaluationIsRefusedByName()
    {
        var path = Path.Combine(Path.GetTempPath(), $"final-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, """{ "dataset": "test" }""");

        var e = Assert.ThrowsExactly<InvalidDataException>(() => FinalEvaluation.Read(path));
        StringAssert.Contains(e.Message, $"'{path}' holds no final evaluation");
    }
}
