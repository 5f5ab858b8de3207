using AlexNet.Cli;
using AlexNet.Samples.ImageRetrieval;
using AlexNet.Samples.PipelineComposition;
using AlexNet.Samples.QuickStart;
using AlexNet.Samples.Retrain;
using AlexNet.Samples.WebApp;

namespace AlexNet.Samples.Tests;

/// <summary>
/// Every <c>dotnet run</c> command in README.md and docs/*.md starts: its arguments, exactly as written, pass the
/// program's parsing and the checks it makes before working (no training, no model loaded). The dated notes under
/// docs/benchmarks/ are records of past runs and are not read.
/// </summary>
[TestClass]
public sealed class DocumentedCommandTests
{
    /// <summary>The user's manual: the README and the pages under docs/.</summary>
    private static IEnumerable<string> Pages =>
        ["README.md", .. Directory.GetFiles(RepositoryFiles.Path("docs"), "*.md").Order(StringComparer.Ordinal).Select(p => Path.GetRelativePath(RepositoryFiles.Root, p))];

    /// <summary>What the README asks the user to bring (its fine-tuning section: torchvision's ImageNet weights).</summary>
    private static readonly string[] BroughtByTheUser = ["alexnet-owt-7be5be79.pth"];

    public static IEnumerable<object[]> Commands =>
        Pages.SelectMany(page => DocumentedCommands.Read(page).Typed).Select(c => new object[] { c.Source, c.Project, c.Arguments, c.Text });

    [TestMethod]
    [DynamicData(nameof(Commands))]
    public void DocumentedCommandPassesItsProgramsParsingAndChecks(string source, string project, string[] arguments, string text)
    {
        // In a folder laid out as a fresh clone (the checkout's top-level entries linked in) plus the files the README
        // says to bring, since a relative path in a command means the folder the user typed it in.
        string folder = UserFolder();
        string before = Environment.CurrentDirectory;
        Environment.CurrentDirectory = folder;
        try
        {
            Check(project, arguments);
        }
        catch (Exception e) when (e is not AssertFailedException)
        {
            Assert.Fail($"{source}: `{text}` does not start: {e.GetType().Name}: {e.Message}");
        }
        finally
        {
            Environment.CurrentDirectory = before;
        }
    }

    [TestMethod]
    public void ReadmeHasATypedCommandForEverySampleThatRunsAndForTheCli()
    {
        var projects = DocumentedCommands.Read("README.md").Typed.Select(c => c.Project).ToHashSet();
        string[] expected = ["samples/QuickStart", "samples/PipelineComposition", "samples/Retrain", "samples/WebApp", "samples/ImageRetrieval", "AlexNet.Cli"];
        CollectionAssert.IsSubsetOf(expected, projects.ToList(), $"found: {string.Join(", ", projects)}");
    }

    [TestMethod]
    public void ImageRetrievalAcceptsItsOwnDefaults()
    {
        // The README's ImageRetrieval command once exited 2 with "--k must be below --gallery-size" for the defaults
        // (6 and 1000): a command validator read the options the user had not given as 0.
        var options = RetrievalOptions.Parse(["--model", "runs/quickstart/model.onnx"]);
        Assert.AreEqual(6, options.Neighbours);
        Assert.AreEqual(1000, options.GallerySize);
    }

    [TestMethod]
    public void RetrievalStillRefusesKAtTheGallerySize()
    {
        // Each sample has its own AlexNet.Samples.UsageException (samples/Shared is compiled into each): the one of
        // ImageRetrieval's assembly, a usage error (exit code 2).
        var e = Assert.Throws<Exception>(() => RetrievalOptions.Parse(["--gallery-size", "6"]));
        Assert.AreEqual("AlexNet.Samples.UsageException", e.GetType().FullName);
        Assert.AreEqual(typeof(RetrievalOptions).Assembly, e.GetType().Assembly);
        Assert.AreEqual("--k 6 must be below --gallery-size 6: the query is not its own neighbour.", e.Message);
    }

    // Each program's own parsing and pre-run checks, by project.
    private static void Check(string project, string[] arguments)
    {
        switch (project)
        {
            case "samples/QuickStart": QuickStartOptions.Parse(arguments); break;
            case "samples/PipelineComposition": CompositionOptions.Parse(arguments); break;
            case "samples/Retrain": RetrainOptions.Parse(arguments); break;
            case "samples/ImageRetrieval": RetrievalOptions.Parse(arguments); break;
            case "samples/WebApp": WebAppOptions.Parse(arguments); break;
            case "AlexNet.Cli":
                var parsed = AlexNetCommand.Build().Parse(arguments);
                Assert.IsEmpty(parsed.Errors, string.Join("; ", parsed.Errors.Select(e => e.Message)));
                if (parsed.CommandResult.Command.Name == "train") TrainCommand.Options(parsed);
                break;
            default: Assert.Fail($"no check for --project {project}: add the program's parser here"); break;
        }
    }

    private static string? userFolder;

    private static string UserFolder()
    {
        if (userFolder != null) return userFolder;
        string folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"documented-commands-{Guid.NewGuid():N}")).FullName;
        foreach (var entry in Directory.GetFileSystemEntries(RepositoryFiles.Root))
        {
            string name = Path.GetFileName(entry);
            if (name == ".git") continue;
            string link = Path.Combine(folder, name);
            if (Directory.Exists(entry)) Directory.CreateSymbolicLink(link, entry);
            else File.CreateSymbolicLink(link, entry);
        }
        foreach (var file in BroughtByTheUser) File.WriteAllBytes(Path.Combine(folder, file), []);
        return userFolder = folder;
    }
}
