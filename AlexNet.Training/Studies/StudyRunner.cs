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

    /// <summary>Runs a study's arms (reusing those already trained, continuing those stopped mid-training) and writes its
    /// CSV, PNG and Markdown.</summary>
    /// <param name="study">The study.</param>
    /// <param name="stop">Stops training after the current step, with a checkpoint the next run continues from.</param>
    /// <exception cref="OperationCanceledException"><paramref name="stop"/> fired before the study's arms were done.</exception>
    public StudyOutcome Run(Study study, CancellationToken stop = default)
    {
        var alternative = study.Alternative is { } alt ? Arm(alt, study.Colour, stop) : null;
        var paper = Arm(study.PaperArm, study.Colour, stop);
        var outcome = new StudyOutcome(study, budget, paper, alternative);
        StudyReport.Write(outcome, budget.Out);
        return outcome;
    }

    /// <summary>Trains (or reuses) the paper's configuration on colour data and writes conv1 per tower with colourfulness scores.</summary>
    /// <param name="stop">Stops training after the current step, with a checkpoint the next run continues from.</param>
    /// <exception cref="OperationCanceledException"><paramref name="stop"/> fired before the arms were done.</exception>
    public KernelOutcome RunKernels(CancellationToken stop = default)
    {
        var colour = Arm(StudyArm.Paper("paper model, colour data"), colour: true, stop);
        var gray = Arm(StudyArm.Paper("paper model"), colour: false, stop);
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
            d = TrainingData.Open(budget.Data, size, 1, budget.TrainLimit, budget.EvalLimit, budget.TestLimit);
            if (colour)
                d = new TrainingData(d.Name + "-illuminated", new IlluminatedDataset(d.Train, budget.Seed * 3L + 1),
                    new IlluminatedDataset(d.Validation, budget.Seed * 3L + 2), d.Test is { } t ? new IlluminatedDataset(t, budget.Seed * 3L + 3) : null);
        }
        return data[colour] = d;
    }

    private ArmResult Arm(StudyArm arm, bool colour, CancellationToken stop)
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
        // An arm started under this budget whose process ended continues from its last checkpoint; anything else in the
        // folder (another budget, a start that never reached a checkpoint) is cleared.
        var started = ArmCache.LoadStart(o.Runtime.RunDir, budget);
        bool resume = started != null && File.Exists(Path.Combine(o.Runtime.RunDir, Trainer.CheckpointFile));
        if (!resume && Directory.Exists(o.Runtime.RunDir)) Directory.Delete(o.Runtime.RunDir, recursive: true);
        var clock = Stopwatch.StartNew();
        using var trainer = new Trainer(resume ? o with { Runtime = o.Runtime with { Resume = true } } : o, d);
        budget.Log?.WriteLine(resume
            ? $"== arm {key}: continuing from its checkpoint at epoch {trainer.State.CompletedEpochs + 1} of {o.Epochs}, step {trainer.State.Step}"
            : $"== arm {key}: training {d.Train.Count:N0} images × {o.Epochs} epochs");
        // The training seconds of the processes before this one (their validation passes are not counted).
        double earlier = trainer.State.History.Sum(e => e.Seconds) + trainer.State.PartialEpoch[3];
        var initial = started ?? ConvKernelGrid.Conv1Kernels(trainer.Model);
        if (!resume) ArmCache.SaveStart(o.Runtime.RunDir, budget, initial);
        var result = trainer.Run(stop);
        if (result.Interrupted)
            throw new OperationCanceledException($"arm {key} stopped at step {result.State.Step} with a checkpoint in {o.Runtime.RunDir}; the same study command continues it.", stop);
        var train = Evaluator.Evaluate(trainer.Model, new FirstImages(d.Train, budget.EvalLimit), trainer.Mean, o.EffectivePixelScale,
            CropMode.CentreCrop, o.Optimisation.BatchSize, o.Runtime.Workers);
        var r = new ArmResult(key, d.Name, result.State.History, train, result.Test!, earlier + clock.Elapsed.TotalSeconds,
            trainer.Model.ParameterCount, initial, ConvKernelGrid.Conv1Kernels(trainer.Model));
        ArmCache.Save(o.Runtime.RunDir, budget, r);
        budget.Log?.WriteLine($"== arm {key}: test error {r.Test.CentreCrop.Top1Error:P2}, {r.Seconds:F0} s");
        return arms[key] = r;
    }

    // The options the paper's arm trains with: every switch of every study at its default.
    private static bool IsPaperConfiguration(TrainOptions o) =>
        o.Architecture == new ArchitectureOptions() && o.Augmentation == new AugmentationOptions();
}
