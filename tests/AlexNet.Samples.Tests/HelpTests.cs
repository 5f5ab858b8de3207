using System.CommandLine;
using System.CommandLine.Help;
using AlexNet.Cli;
using AlexNet.Samples.ImageRetrieval;
using AlexNet.Samples.PipelineComposition;
using AlexNet.Samples.QuickStart;
using AlexNet.Samples.Retrain;
using AlexNet.Samples.WebApp;

namespace AlexNet.Samples.Tests;

/// <summary>`--help` of the alexnet CLI and of each sample: one screen, every default named, a page to read next.</summary>
[TestClass]
public sealed class HelpTests
{
    public static IEnumerable<object[]> Programs =>
    [
        ["QuickStart", QuickStartOptions.Command()],
        ["PipelineComposition", CompositionOptions.Command()],
        ["Retrain", RetrainOptions.Command()],
        ["ImageRetrieval", RetrievalOptions.Command()],
        ["WebApp", WebAppOptions.Command()],
        ["alexnet", AlexNetCommand.Build()],
    ];

    [TestMethod]
    [DynamicData(nameof(Programs))]
    public void HelpFitsOneScreenNamesEveryDefaultAndPointsToTheDocs(string program, RootCommand command)
    {
        var output = new StringWriter();
        // 100 columns, as a terminal would wrap it; 24 lines is one screen of a default terminal.
        var help = (HelpAction)command.Options.OfType<HelpOption>().Single().Action!;
        help.MaxWidth = 100;
        int code = command.Parse(["--help"]).Invoke(new InvocationConfiguration { Output = output });
        string text = output.ToString();
        Assert.AreEqual(0, code);
        string[] lines = text.TrimEnd().Split('\n');
        Assert.IsLessThanOrEqualTo(24, lines.Length, $"{program} --help is {lines.Length} lines:\n{text}");
        StringAssert.Matches(text, new System.Text.RegularExpressions.Regex(@"(README\.md|docs/)"), $"{program} --help names no page to read next");
        // An option's entry runs from its name to the next line that starts with a flag (wrapped lines included).
        var entries = System.Text.RegularExpressions.Regex.Split(text, @"\n(?=  -)").Select(e => e.Trim()).ToList();
        foreach (var option in command.Options.Where(o => o is not HelpOption and not VersionOption))
            StringAssert.Contains(entries.Single(e => e.StartsWith(option.Name + " ", StringComparison.Ordinal)), "[default:", $"{program} {option.Name} names no default");
    }
}
