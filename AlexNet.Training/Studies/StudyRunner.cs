using AlexNet.Onnx.Imaging;
using System.Diagnostics;
using AlexNet.Training.Data;
using AlexNet.Training.Reporting;
using AlexNet.Training.Training;

namespace AlexNet.Training.Studies;

/// <summary>
/// Trains the arms of studies under one <see cref="StudyBudget"/> and writes each study's report. Arms with the same
/// training choices (the paper's configuration appears in five studies) are trained once and shared.
/// </summary>
/// <param name="budget">Budget for every arm.</param>
public sealed class StudyRunner(StudyBudget budget)
{
    private readonly Dictionary<string, ArmResult> arms = new();
    private readonly Dictionary<bool, TrainingData> data = new();

    /// <summary>The budget in force.</summary>
    public StudyBudget Budget => budget;

    /// <summary>Runs a study's arms (reusing those already trained) and writes its CSV, PNG and Markdown.</summary>
    /// <param name="study">The study.</param>
    public StudyOutcome Run(Study study)
    {
        var alternative = study.Alternative is { } alt ? Arm(alt, study.Colour) : null;
        var paper = Arm(study.PaperArm, study.Colour);
        var outcome = new StudyOutcome(study, budget, paper, alternative);
        StudyReport.Write(outcome, budget.Out);
        return outcome;
    }

    /// <summary>Trains (or reuses) the paper's configuration on colour data and writes conv1 per tower with colourfulness scores.</summary>
    public KernelOutcome RunKernels()
    {
        var colour = Arm(StudyArm.Paper("paper model, colour data"), colour: true);
        var gray = Arm(StudyArm.Paper("paper model"), colour: false);
        var outcome = new KernelOutcome(budget, colour, gray);
        KernelReport.Write(outcome, budget.Out);
        return outcome;
    }

    /// <summary>The data a study trains on: Fashion-MNIST, or colour data (a folder, or illuminated Fashion-MNIST).</summary>
    /// <param name="colour">Colour data.</param>
    public TrainingData Data(bool colour)
    {
        if (data.TryGetValue(colour, out var d)) return d;
        int size = AlexNet.Onnx.Model.AlexNetArchitecture.Small().ResizeSize;
        if (colour && budget.ColourData != null)
            d = TrainingData.Open(budget.ColourData, size, 3, budget.TrainLimit, budget.EvalLimit);
        else
        {
            d = TrainingData.Open(budget.Data, size, 1, budget.TrainLimit, budget.EvalLimit);
            if (colour)
                d = new TrainingData(d.Name + "-illuminated", new IlluminatedDataset(d.Train, budget.Seed * 3L + 1),
                    new IlluminatedDataset(d.Validation, budget.Seed * 3L + 2), d.Test is { } t ? new IlluminatedDataset(t, budget.Seed * 3L + 3) : null);
        }
        return data[colour] = d;
    }

    private ArmResult Arm(StudyArm arm, bool colour)
    {
        var d = Data(colour);
        var o = arm.Apply(budget.PaperOptions());
        var key = StudyArm.Key(o, d.Name);
        if (arms.TryGetValue(key, out var done)) return done;
        // Ten-crop scoring costs ten forward passes per image: only the gray paper model, which the tencrop study reads.
        o = o with { Runtime = o.Runtime with { RunDir = Path.Combine(budget.RunRoot, key), TenCropAtEnd = IsPaperConfiguration(o) && !colour } };
        ArmLock? held;
        while (true)
        {
            if (ArmCache.Load(o.Runtime.RunDir, budget) is { } stored)
            {
                budget.Log?.WriteLine($"== arm {key}: reusing {Path.Combine(o.Runtime.RunDir, ArmCache.FileName)}");
                return arms[key] = stored;
            }
            if ((held = ArmLock.TryTake(budget.RunRoot, key)) != null) break;
            budget.Log?.WriteLine($"== arm {key}: another study process is training it; waiting");
            Thread.Sleep(TimeSpan.FromSeconds(15));
        }
        using var _ = held;
        if (ArmCache.Load(o.Runtime.RunDir, budget) is { } justStored) return arms[key] = justStored; // finished while we looked
        if (Directory.Exists(o.Runtime.RunDir)) Directory.Delete(o.Runtime.RunDir, recursive: true);
        budget.Log?.WriteLine($"== arm {key}: training {d.Train.Count:N0} images × {o.Epochs} epochs");
        var clock = Stopwatch.StartNew();
        using var trainer = new Trainer(o, d);
        var initial = ConvKernelGrid.Conv1Kernels(trainer.Model);
        var result = trainer.Run();
        var train = Evaluator.Evaluate(trainer.Model, new FirstImages(d.Train, budget.EvalLimit), trainer.Mean, o.EffectivePixelScale,
            CropMode.CentreCrop, o.Optimisation.BatchSize, o.Runtime.Workers);
        var r = new ArmResult(key, d.Name, result.State.History, train, result.Test!, clock.Elapsed.TotalSeconds,
            trainer.Model.ParameterCount, initial, ConvKernelGrid.Conv1Kernels(trainer.Model));
        ArmCache.Save(o.Runtime.RunDir, budget, r);
        budget.Log?.WriteLine($"== arm {key}: test error {r.Test.CentreCrop.Top1Error:P2}, {r.Seconds:F0} s");
        return arms[key] = r;
    }

    // The options the paper's arm trains with: every switch of every study at its default.
    private static bool IsPaperConfiguration(TrainOptions o) =>
        o.Architecture == new ArchitectureOptions() && o.Augmentation == new AugmentationOptions();
}
