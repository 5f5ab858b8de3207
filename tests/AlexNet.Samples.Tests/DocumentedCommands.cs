using System.Text.RegularExpressions;

namespace AlexNet.Samples.Tests;

/// <summary>A <c>dotnet run</c> command written in a Markdown page: where it is, the project it runs and its arguments.</summary>
/// <param name="Source">The page and line, e.g. "README.md:32".</param>
/// <param name="Text">The command as written.</param>
/// <param name="Project">The --project value, e.g. "samples/QuickStart".</param>
/// <param name="Arguments">What follows <c>--</c>: the program's own arguments.</param>
internal sealed record DocumentedCommand(string Source, string Text, string Project, string[] Arguments)
{
    public override string ToString() => $"{Source}: {Text}";
}

/// <summary>
/// Reads every <c>dotnet run</c> command from a Markdown page: fenced code blocks (a trailing backslash continues a
/// line, a trailing <c># comment</c> is dropped) and inline code spans, which may wrap across the lines of a paragraph.
/// Environment assignments before <c>dotnet</c> are dropped. A command with a placeholder (&lt;command&gt;, …, $s) is
/// not one a user types as it is, so it is listed apart.
/// </summary>
internal static partial class DocumentedCommands
{
    /// <summary>The commands of <paramref name="page"/> (a path inside the checkout), and those with placeholders.</summary>
    public static (List<DocumentedCommand> Typed, List<string> WithPlaceholders) Read(string page)
    {
        var typed = new List<DocumentedCommand>();
        var placeholders = new List<string>();
        foreach (var (line, text) in Candidates(File.ReadAllLines(RepositoryFiles.Path(page))))
        {
            var words = Words(text);
            int start = words.IndexOf("dotnet");
            // "`dotnet run`" alone is prose naming the tool, not a command.
            if (start < 0 || start + 2 >= words.Count || words[start + 1] != "run" || words.Take(start).Any(w => !w.Contains('='))) continue;
            string source = $"{page}:{line}";
            if (words.Any(w => w.Contains('<') || w.Contains('…') || w.Contains('$') || w.Contains("...")))
            {
                placeholders.Add($"{source}: {text}");
                continue;
            }
            typed.Add(Parse(source, text, words.Skip(start + 2).ToList()));
        }
        return (typed, placeholders);
    }

    // dotnet run's own flags, up to "--"; the rest is the program's.
    private static DocumentedCommand Parse(string source, string text, List<string> words)
    {
        string? project = null;
        int i = 0;
        for (; i < words.Count && words[i] != "--"; i++)
        {
            if (words[i] == "--project" && i + 1 < words.Count) project = words[++i].TrimEnd('/');
            else if (words[i] is "-c" or "--configuration") i++;
            else if (words[i] == "--no-build") { } // runs what an earlier `dotnet build` of the same configuration made
            else if (!words[i].StartsWith("-p:", StringComparison.Ordinal))
                throw new AssertFailedException($"{source}: '{words[i]}' before '--' is not a dotnet run flag this test knows: {text}");
        }
        if (project is null) throw new AssertFailedException($"{source}: no --project in {text}");
        return new DocumentedCommand(source, text, project, [.. words.Skip(i + 1)]);
    }

    // (first line number, text) of every code-block command and every inline code span.
    private static IEnumerable<(int Line, string Text)> Candidates(string[] lines)
    {
        bool inBlock = false;
        string pending = "";
        int pendingLine = 0;
        var paragraph = new List<(int Line, string Text)>();
        for (int n = 0; n < lines.Length; n++)
        {
            string line = lines[n];
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                foreach (var span in Spans(paragraph)) yield return span;
                paragraph.Clear();
                inBlock = !inBlock;
                continue;
            }
            if (inBlock)
            {
                string code = Regex.Replace(line, @"\s+#.*$", "").Trim();
                if (pending.Length == 0) pendingLine = n + 1;
                pending += (pending.Length > 0 ? " " : "") + code.TrimEnd('\\').Trim();
                if (code.EndsWith('\\')) continue;
                if (pending.Length > 0) yield return (pendingLine, pending);
                pending = "";
                continue;
            }
            if (line.Trim().Length == 0)
            {
                foreach (var span in Spans(paragraph)) yield return span;
                paragraph.Clear();
            }
            else paragraph.Add((n + 1, line.Trim()));
        }
        foreach (var span in Spans(paragraph)) yield return span;
    }

    private static IEnumerable<(int Line, string Text)> Spans(List<(int Line, string Text)> paragraph)
    {
        if (paragraph.Count == 0) yield break;
        string joined = string.Join(" ", paragraph.Select(p => p.Text));
        foreach (Match m in InlineCode().Matches(joined))
        {
            // The line the span starts on: count the characters of the joined lines before it.
            int offset = 0, index = 0;
            while (index < paragraph.Count - 1 && offset + paragraph[index].Text.Length < m.Index) offset += paragraph[index++].Text.Length + 1;
            yield return (paragraph[index].Line, m.Groups[1].Value.Trim());
        }
    }

    // Words as a POSIX shell splits them for these commands: whitespace, with '…' and "…" quoting.
    private static List<string> Words(string text) =>
        [.. ShellWord().Matches(text).Select(m => m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Success ? m.Groups[2].Value : m.Value)];

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex InlineCode();

    [GeneratedRegex("""'([^']*)'|"([^"]*)"|[^\s'"]+""")]
    private static partial Regex ShellWord();
}
