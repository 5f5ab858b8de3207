namespace AlexNet.Cli.Tests;

/// <summary><c>study --seeds</c>: each seed's reports in its own folder, one report per study across them, and a summary table.</summary>
[TestClass]
public sealed class StudySeedsTests
{
    [TestMethod]
    public void SeedsWriteEachSeedsReportAndOneAcrossThemWithAVerdict()
    {
        string folder = Cli.Scratch("study-seeds");
        string output = Path.Combine(folder, "out");
        var (code, text, err) = Cli.Run("study", "lrn", "--seeds", "1,2", "--data", Cli.FashionMnist, "--train-limit", "64", "--eval-limit", "32",
            "--epochs", "1", "--out", output, "--run-root", Path.Combine(folder, "runs"));

        Assert.AreEqual(0, code, err);
        Assert.IsTrue(File.Exists(Path.Combine(output, "seed1", "lrn.md")) && File.Exists(Path.Combine(output, "seed2", "lrn.md")), text);
        var across = File.ReadAllLines(Path.Combine(output, "lrn.md"));
        Assert.AreEqual("# Local response normalisation on vs off, 2 seeds", across[0]);
        Assert.HasCount(2, across.Where(l => l.StartsWith("| 1 |", StringComparison.Ordinal) || l.StartsWith("| 2 |", StringComparison.Ordinal)).ToList());
        Assert.IsTrue(across.Any(l => l.StartsWith("**The paper's direction is ", StringComparison.Ordinal)), string.Join("\n", across));
        StringAssert.Contains(text, "lrn, seeds 1,2: Mean alternative − paper test error over 2 seeds:");
        var summary = File.ReadAllText(Path.Combine(output, "summary.md"));
        StringAssert.Contains(summary, "| [Local response normalisation on vs off](lrn.md) |");
        StringAssert.Contains(summary, "Made by `dotnet run --project AlexNet.Cli -- study lrn --seeds 1,2 --data ");
        StringAssert.Contains(text, $"summary table -> {Path.GetFullPath(Path.Combine(output, "summary.md"))}");
    }

    [TestMethod]
    public void WithoutSeedsOneSeedWritesItsReportInOutItself()
    {
        string folder = Cli.Scratch("study-one-seed");
        string output = Path.Combine(folder, "out");
        var (code, text, err) = Cli.Run("study", "lrn", "--seed", "2", "--data", Cli.FashionMnist, "--train-limit", "64", "--eval-limit", "32",
            "--epochs", "1", "--out", output, "--run-root", Path.Combine(folder, "runs"));

        Assert.AreEqual(0, code, err);
        Assert.IsTrue(File.Exists(Path.Combine(output, "lrn.md")), text);
        Assert.IsFalse(Directory.Exists(Path.Combine(output, "seed2")), "one seed's report goes in OUT, not OUT/seed2");
        StringAssert.Contains(File.ReadAllText(Path.Combine(output, "lrn.md")), "seed 2");
    }

    [TestMethod]
    public void SeedAndSeedsTogetherAreAUsageError()
    {
        var (code, _, err) = Cli.Run("study", "lrn", "--seeds", "1,2", "--seed", "3");
        Assert.AreEqual(2, code);
        StringAssert.Contains(err, "--seed and --seeds both name the seeds; give one of them.");
    }

    [TestMethod]
    public void ASeedThatIsNotANumberIsAUsageErrorNamingIt()
    {
        var (code, _, err) = Cli.Run("study", "lrn", "--seeds", "1,x");
        Assert.AreEqual(2, code);
        StringAssert.Contains(err, "--seeds: 'x' is not a whole number; give seeds like 1,2,3.");
    }
}
