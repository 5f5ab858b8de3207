using AlexNet.Training.Studies;
using AlexNet.Training.Training;

namespace AlexNet.Training.Tests.Studies;

[TestClass]
public sealed class SeedSummaryTests
{
    // A seed's outcome of the LRN study with the given test errors (10,000 test images), nothing trained.
    private static StudyOutcome Lrn(int seed, double withLrn, double withoutLrn) =>
        new(PaperStudies.Get("lrn"), new StudyBudget { Seed = seed, TrainLimit = 20000, Epochs = 15, EvalLimit = 5000, TestLimit = 10000 },
            Arm(withLrn), Arm(withoutLrn));

    private static ArmResult Arm(double testError) =>
        new("arm", "fashion-mnist", [], new EvaluationResult(0.05, 0.001, 5000), new FinalEvaluation("test", new EvaluationResult(testError, 0.002, 10000), null),
            1, 1, [], []);

    [TestMethod]
    public void DifferencesOnThePapersSideBeyondTheSpreadAreSeen()
    {
        var summary = new SeedSummary(PaperStudies.Get("lrn"), [Lrn(1, 0.080, 0.090), Lrn(2, 0.081, 0.093), Lrn(3, 0.079, 0.093)]);

        // Differences +1.0, +1.2, +1.4 points: mean 1.2, sd 0.2, standard error 0.2/√3 = 0.11547; t(2, 0.975) = 4.3027.
        Assert.AreEqual(0.012, summary.Mean, 1e-12);
        Assert.AreEqual(0.002 / Math.Sqrt(3), summary.StandardError, 1e-12);
        Assert.AreEqual(4.302653 * 0.002 / Math.Sqrt(3), summary.HalfWidth, 1e-8);
        Assert.AreEqual(PaperDirection.Seen, summary.Direction);
        StringAssert.Contains(summary.Markdown(), "| 2 | 8.10% | 9.30% | +1.20% |");
        StringAssert.Contains(summary.Markdown(), "**The paper's direction is seen**");
    }

    [TestMethod]
    public void DifferencesWhoseIntervalHoldsZeroAreNotSeen()
    {
        var summary = new SeedSummary(PaperStudies.Get("lrn"), [Lrn(1, 0.080, 0.090), Lrn(2, 0.080, 0.075), Lrn(3, 0.080, 0.100)]);

        Assert.AreEqual(0.025 / 3, summary.Mean, 1e-12); // +1.0, −0.5, +2.0 points
        Assert.AreEqual(PaperDirection.NotSeen, summary.Direction);
        StringAssert.Contains(summary.Markdown(), "**The paper's direction is not seen**");
    }

    [TestMethod]
    public void DifferencesOnTheAlternativesSideBeyondTheSpreadAreReversed()
    {
        var summary = new SeedSummary(PaperStudies.Get("lrn"), [Lrn(1, 0.090, 0.070), Lrn(2, 0.091, 0.070), Lrn(3, 0.089, 0.070)]);

        Assert.AreEqual(-0.02, summary.Mean, 1e-12);
        Assert.AreEqual(PaperDirection.Reversed, summary.Direction);
        StringAssert.Contains(summary.Markdown(), "| 1 | 9.00% | 7.00% | −2.00% |");
    }

    [TestMethod]
    public void TheSummaryTableHasARowPerStudyWithEachSeedTheMeanAndTheReading()
    {
        var lrn = new SeedSummary(PaperStudies.Get("lrn"), [Lrn(1, 0.080, 0.090), Lrn(2, 0.081, 0.093), Lrn(3, 0.079, 0.093)]);
        var pooling = new SeedSummary(PaperStudies.Get("pooling"), [Pooling(1, 0.090, 0.070), Pooling(2, 0.091, 0.070), Pooling(3, 0.089, 0.070)]);

        var md = SeedSummary.Table([lrn, pooling]);

        StringAssert.StartsWith(md, "# The paper's claims over 3 seeds\n");
        StringAssert.Contains(md, "20,000 training images, 15 epochs, batch 32, seeds 1, 2, 3, validation on 5,000 images, test on 10,000");
        // +1.0, +1.2, +1.4 points: mean +1.20, standard error 0.2/√3 = 0.12 points.
        StringAssert.Contains(md, "| [Local response normalisation on vs off](lrn.md) | LRN reduces top-1/top-5 error by 1.4%/1.2% on ImageNet; " +
                                  "a 4-layer CNN on CIFAR-10 goes from 13% to 11% test error (section 3.3) | alternative − paper test error | " +
                                  "1: +1.00%, 2: +1.20%, 3: +1.40% | +1.20% (0.12%) | **seen** |\n");
        StringAssert.Contains(md, "(pooling.md)");
        StringAssert.Contains(md, "| 1: −2.00%, 2: −2.10%, 3: −1.90% | −2.00% (0.06%) | **reversed** |\n");
    }

    private static StudyOutcome Pooling(int seed, double paper, double alternative) =>
        Lrn(seed, paper, alternative) with { Study = PaperStudies.Get("pooling") };

    [TestMethod]
    public void TheReportNamesEverySeedAndTheBudget()
    {
        var md = new SeedSummary(PaperStudies.Get("lrn"), [Lrn(1, 0.08, 0.09), Lrn(2, 0.08, 0.09), Lrn(3, 0.08, 0.09)]).Markdown();
        StringAssert.Contains(md, "20,000 training images, 15 epochs, batch 32, seeds 1, 2, 3, validation on 5,000 images, test on 10,000");
    }

    // A ReLU-study seed where ReLU reaches 25 % training error at epoch 2 and tanh at epoch 1: against the paper.
    private static StudyOutcome ReluSlower(int seed) =>
        new(PaperStudies.Get("relu"), new StudyBudget { Seed = seed, TrainLimit = 20000, Epochs = 15, EvalLimit = 5000, TestLimit = 10000 },
            Arm(0.1) with { History = [Epoch(1, 0.50), Epoch(2, 0.25)] }, Arm(0.1) with { History = [Epoch(1, 0.25)] });

    private static EpochMetrics Epoch(int epoch, double trainError) => new(epoch, 0.01, 1, trainError, 0.3, 0.01, 1, 1);

    [TestMethod]
    public void ANegativeEpochRatioIsWrittenWithAMinusSignLikeTheErrorDifferences()
    {
        var md = SeedSummary.Table([new SeedSummary(PaperStudies.Get("relu"), [ReluSlower(1), ReluSlower(2)])]);

        // ln(1 / 2) = −0.693 for both seeds; a hyphen-minus here once sat beside the error studies' "−".
        StringAssert.Contains(md, "| 1: −0.693, 2: −0.693 | −0.693 (0.000) |");
        Assert.IsFalse(md.Contains("-0.693", StringComparison.Ordinal), md);
    }
}
