using AlexNet.Training.Studies;

namespace AlexNet.Training.Tests.Studies;

[TestClass]
public sealed class StudyRunnerTests
{
    // A few steps per arm: enough to run the whole code path, far too few to measure anything.
    private static StudyBudget Tiny(string folder) => new()
    {
        Data = RepoPaths.FashionMnist, TrainLimit = 64, EvalLimit = 32, Epochs = 1, BatchSize = 32, Seed = 2,
        Out = Path.Combine(folder, "out"), RunRoot = Path.Combine(folder, "runs"), Workers = 1,
    };

    [TestMethod]
    public void AStudyWritesCurvesOfBothArmsAPlotAndAReportWithThePapersNumber()
    {
        var budget = Tiny(RepoPaths.NewTempFolder("study-lrn"));
        var outcome = new StudyRunner(budget).Run(PaperStudies.Get("lrn"));

        var csv = File.ReadAllLines(Path.Combine(budget.Out, "lrn.csv"));
        Assert.AreEqual(StudyReport.CsvHeader, csv[0]);
        Assert.AreEqual(3, csv.Length, "header + one epoch for each of the two arms");
        Assert.IsTrue(csv[1].Contains("lrn1") && csv[2].Contains("lrn0"), string.Join("\n", csv));
        Assert.IsTrue(new FileInfo(Path.Combine(budget.Out, "lrn.png")).Length > 1000);
        var md = File.ReadAllText(Path.Combine(budget.Out, "lrn.md"));
        StringAssert.Contains(md, "+1.4% (ImageNet top-1)");
        StringAssert.Contains(md, "seed 2");
        Assert.AreEqual(32, outcome.Paper.Test.CentreCrop.Count);
        Assert.AreEqual(outcome.Alternative!.Test.CentreCrop.Top1Error - outcome.Paper.Test.CentreCrop.Top1Error, outcome.TestErrorDelta, 1e-12);
    }

    [TestMethod]
    public void AReportEndsItsBudgetWithHowItWasMade()
    {
        const string made = "Made by `dotnet run --project AlexNet.Cli -- study tencrop` on 2026-12-06 15:40 UTC, on 2 cores of Test CPU.";
        var budget = Tiny(RepoPaths.NewTempFolder("study-provenance")) with { Provenance = made };
        new StudyRunner(budget).Run(PaperStudies.Get("tencrop"));

        var ourRun = File.ReadAllLines(Path.Combine(budget.Out, "tencrop.md")).Single(l => l.StartsWith("**Our run:**", StringComparison.Ordinal));
        StringAssert.EndsWith(ourRun, "One trained model, scored twice. " + made);
    }

    [TestMethod]
    public void ArmsTrainedUnderTheSameBudgetAreReusedFromDisk()
    {
        var budget = Tiny(RepoPaths.NewTempFolder("study-cache"));
        var first = new StudyRunner(budget).Run(PaperStudies.Get("tencrop"));
        var log = new StringWriter();
        var again = new StudyRunner(budget with { Log = log }).Run(PaperStudies.Get("tencrop"));

        StringAssert.Contains(log.ToString(), "reusing");
        Assert.AreEqual(first.Paper.Test.CentreCrop, again.Paper.Test.CentreCrop);
        Assert.IsNotNull(again.Paper.Test.TenCrop, "the paper's configuration is also scored with ten crops");
        Assert.AreEqual(first.Paper.TrainedConv1[0].Data[17], again.Paper.TrainedConv1[0].Data[17]);
    }

    [TestMethod]
    public void AnArmStoppedMidTrainingContinuesFromItsCheckpointToTheSameResult()
    {
        var budget = Tiny(RepoPaths.NewTempFolder("study-resume")) with { Epochs = 2 };
        var whole = new StudyRunner(Tiny(RepoPaths.NewTempFolder("study-whole")) with { Epochs = 2 }).Run(PaperStudies.Get("tencrop"));

        // Stopped when the trainer reports its first epoch, after that epoch's checkpoint: a process that ends there
        // leaves the run folder as it is now.
        using (var stop = new CancellationTokenSource())
        {
            var cancelAfterEpoch1 = new CallbackWriter(line => { if (line.StartsWith("epoch 1:", StringComparison.Ordinal)) stop.Cancel(); });
            var e = Assert.ThrowsExactly<OperationCanceledException>(() =>
                new StudyRunner(budget with { Log = cancelAfterEpoch1 }).Run(PaperStudies.Get("tencrop"), stop.Token));
            StringAssert.Contains(e.Message, "stopped at step 2 with a checkpoint");
        }
        var log = new StringWriter();
        var continued = new StudyRunner(budget with { Log = log }).Run(PaperStudies.Get("tencrop"));

        StringAssert.Contains(log.ToString(), "continuing from its checkpoint at epoch 2 of 2, step 2");
        Assert.AreEqual(whole.Paper.Test.CentreCrop, continued.Paper.Test.CentreCrop);
        CollectionAssert.AreEqual(whole.Paper.InitialConv1[0].Data, continued.Paper.InitialConv1[0].Data, "the kernels it started from, not the checkpoint's");
        CollectionAssert.AreEqual(whole.Paper.TrainedConv1[1].Data, continued.Paper.TrainedConv1[1].Data);
        CollectionAssert.AreEqual(whole.Paper.History.Select(h => h.TrainLoss).ToList(), continued.Paper.History.Select(h => h.TrainLoss).ToList());
    }

    [TestMethod]
    public void ATestLimitScoresThatManyTestImagesAndValidationKeepsTheEvalLimit()
    {
        var budget = Tiny(RepoPaths.NewTempFolder("study-test-limit")) with { TestLimit = 48 };
        var outcome = new StudyRunner(budget).Run(PaperStudies.Get("tencrop"));

        Assert.AreEqual(48, outcome.Paper.Test.CentreCrop.Count);
        Assert.AreEqual(32, outcome.Paper.TrainError.Count, "the training-error sample is eval-limit sized");
        StringAssert.Contains(File.ReadAllText(Path.Combine(budget.Out, "tencrop.md")), "validation on 32 images, test on 48");
    }

    [TestMethod]
    public void AStudyCancelledBeforeItsFirstStepStopsWithACheckpointAtStepZero()
    {
        // The loader's workers stop on the token before building a batch: the epoch must end, not wait for it.
        var budget = Tiny(RepoPaths.NewTempFolder("study-cancelled"));
        using var stop = new CancellationTokenSource();
        stop.Cancel();
        var e = Assert.ThrowsExactly<OperationCanceledException>(() => new StudyRunner(budget).Run(PaperStudies.Get("tencrop"), stop.Token));
        StringAssert.Contains(e.Message, "stopped at step 0 with a checkpoint");
    }

    /// <summary>A log that hands every line to a callback, as the trainer writes it.</summary>
    private sealed class CallbackWriter(Action<string> onLine) : StringWriter
    {
        public override void WriteLine(string? value)
        {
            base.WriteLine(value);
            onLine(value ?? "");
        }
    }

    [TestMethod]
    public void KernelsAreDrawnPerTowerWithAColourfulnessScoreFromColourData()
    {
        var budget = Tiny(RepoPaths.NewTempFolder("study-kernels"));
        var outcome = new StudyRunner(budget).RunKernels();

        Assert.AreEqual(2, outcome.TowerColourfulness.Count);
        Assert.AreEqual(3, outcome.Colour.TrainedConv1[0].Shape[1], "colour data gives RGB kernels");
        Assert.AreEqual(1, outcome.Gray.TrainedConv1[0].Shape[1]);
        Assert.IsTrue(File.Exists(Path.Combine(budget.Out, "kernels-colour.png")));
        Assert.AreEqual(1 + 2 * 32, File.ReadAllLines(Path.Combine(budget.Out, "kernels.csv")).Length, "header + 32 kernels per tower");
        StringAssert.Contains(File.ReadAllText(Path.Combine(budget.Out, "kernels.md")), "| 2 | 32 |");
    }

    [TestMethod]
    public void PcaStudyTrainsOnARealPhotoTreeGivenAsColourData()
    {
        // --colour-data: an ImageNet-style tree of the vendored photos instead of illuminated Fashion-MNIST.
        var folder = RepoPaths.NewTempFolder("study-photos");
        var tree = Path.Combine(folder, "photos");
        var classes = new Dictionary<string, string[]> { ["people"] = ["astronaut.png", "rocket.jpg"], ["things"] = ["chelsea.png", "coffee.png"] };
        foreach (var (label, photos) in classes)
            foreach (var split in new[] { "train", "val" })
            {
                Directory.CreateDirectory(Path.Combine(tree, split, label));
                foreach (var photo in split == "train" ? photos : photos[..1])
                    File.Copy(TestPhotos.Path(photo), Path.Combine(tree, split, label, photo));
            }
        var budget = Tiny(folder) with { ColourData = tree };

        var outcome = new StudyRunner(budget).Run(PaperStudies.Get("pca"));

        Assert.AreEqual("photos", outcome.Paper.DataName);
        Assert.AreEqual(2, outcome.Paper.Test.CentreCrop.Count, "one val photo per class");
        Assert.AreEqual(3, outcome.Paper.TrainedConv1[0].Shape[1], "RGB kernels");
        StringAssert.EndsWith(outcome.Paper.Key, "pca1-seed2");
        StringAssert.EndsWith(outcome.Alternative!.Key, "pca0-seed2");
        StringAssert.Contains(File.ReadAllText(Path.Combine(budget.Out, "pca.md")), "photos");
    }

    [TestMethod]
    public void ThePapersArmIsSharedBetweenStudies()
    {
        var o = new StudyBudget().PaperOptions();
        var studies = PaperStudies.All.Where(s => s.Name != "lrn-scaled").ToList();
        var keys = studies.Where(s => !s.Colour).Select(s => StudyArm.Key(s.PaperArm.Apply(o), "d")).Distinct().ToList();
        Assert.AreEqual(1, keys.Count);
        var alternatives = studies.Where(s => s.Alternative != null).Select(s => StudyArm.Key(s.Alternative!.Apply(o), "d")).ToList();
        Assert.AreEqual(alternatives.Count, alternatives.Distinct().Count());
        Assert.IsFalse(alternatives.Contains(keys[0]), "every alternative changes the paper's configuration");
    }

    [TestMethod]
    public void TheScaledLrnStudyTrainsOneNewArmAndSharesItsNoLrnArm()
    {
        var o = new StudyBudget().PaperOptions();
        var scaled = PaperStudies.Get("lrn-scaled");

        var scaledOptions = scaled.PaperArm.Apply(o);

        Assert.AreEqual(1e-4 * 255 * 255, scaledOptions.Architecture.LrnAlpha, 1e-9, "α ÷ (1/255)² for the default pixel scale");
        Assert.AreEqual(6.5025, scaledOptions.BuildArchitecture(10, 1).Lrn!.Alpha, 1e-9);
        Assert.AreEqual("d-relu-lrn1-pool32-towers2-dropout0.5-pca1-seed1-lrnalpha6.503", StudyArm.Key(scaledOptions, "d"));
        Assert.AreEqual(StudyArm.Key(PaperStudies.Get("lrn").Alternative!.Apply(o), "d"), StudyArm.Key(scaled.Alternative!.Apply(o), "d"));
    }
}
