using AlexNet.Training.Training;

namespace AlexNet.Cli.Tests;

/// <summary><c>train --config</c>: a recipe is the options as JSON; flags beside it override it; a wrong key is refused by name.</summary>
[TestClass]
public sealed class RecipeTests
{
    private static string Recipe(string json)
    {
        var path = Path.Combine(Cli.Scratch("recipe"), "recipe.json");
        File.WriteAllText(path, json);
        return path;
    }

    private static readonly string[] EleventhRunFlags =
        ["--batch-norm", "--resize-size", "28", "--crop-padding", "2", "--dropout", "0.5", "--lr", "0.05", "--no-lrn",
         "--schedule", "cosine:40", "--epochs", "40", "--label-smoothing", "0.1"];

    [TestMethod]
    public void VendoredRecipeIsTheEleventhRunsCommandLine()
    {
        var recipe = RepositoryFiles.Path("recipes", "fashion-mnist-94.json");
        // One reading of the flags: the default run folder names the second it was computed, so two readings made
        // across a second's boundary differed in RunDir alone and failed the comparison.
        var flags = Cli.Train(EleventhRunFlags);
        Assert.AreEqual(flags, Cli.Train("--config", recipe) with { Runtime = flags.Runtime });
    }

    [TestMethod]
    public void RecipeSetsEveryKnobItNamesAndLeavesTheRestAtTheDefaults()
    {
        var o = Cli.Train("--config", Recipe("""{ "optimisation": { "batchSize": 64 }, "schedule": { "learningRate": { "kind": "steps", "milestones": [5, 8] } } }"""));
        Assert.AreEqual(64, o.Optimisation.BatchSize);
        Assert.AreEqual(new LearningRateSchedule.Steps([5, 8]), o.Schedule.LearningRate);
        Assert.AreEqual(new OptimisationOptions().LearningRate, o.Optimisation.LearningRate);
        Assert.AreEqual(new ArchitectureOptions(), o.Architecture);
    }

    [TestMethod]
    public void FlagsBesideARecipeOverrideIt()
    {
        var o = Cli.Train("--config", Recipe("""{ "optimisation": { "batchSize": 64, "learningRate": 0.05 } }"""), "--batch-size", "32");
        Assert.AreEqual((32, 0.05), (o.Optimisation.BatchSize, o.Optimisation.LearningRate));
    }

    [TestMethod]
    public void RecipeWithAnUnknownKeyIsRejectedNamingTheFileAndTheKey()
    {
        var path = Recipe("""{ "optimisation": { "batchsize": 64 } }""");
        var (code, _, err) = Cli.Run("train", "--config", path);
        Assert.AreEqual(1, code);
        StringAssert.Contains(err, path);
        StringAssert.Contains(err, "'batchsize'");
    }

    [TestMethod]
    public void RecipeWithAnUnknownScheduleKindIsRejectedNamingTheFile()
    {
        var path = Recipe("""{ "schedule": { "learningRate": { "kind": "linear" } } }""");
        var (code, _, err) = Cli.Run("train", "--config", path);
        Assert.AreEqual(1, code);
        StringAssert.Contains(err, $"{path}: not a training recipe");
        StringAssert.Contains(err, "'linear'");
    }

    [TestMethod]
    public void RecipeTogetherWithResumeIsAUsageError()
    {
        StringAssert.Contains(Cli.UsageError("--config", Recipe("{}"), "--resume", "--run-dir", "r"),
            "--config starts a run from a recipe; a resumed run takes its settings from its checkpoint. Give one of --config and --resume.");
    }
}
