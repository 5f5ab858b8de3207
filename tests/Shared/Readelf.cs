using System.ComponentModel;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace AlexNet.Tests.Shared;

/// <summary>
/// binutils' readelf run on a library: a reading of its ELF version sections that owns nothing with the product's
/// own parser (AlexNet.Onnx.Diagnostics.ElfFile), so tests compare the two. Debian's binutils; .ci/run installs it.
/// </summary>
internal static partial class Readelf
{
    /// <summary>The symbol versions a library defines (readelf -V's version definition section), less the BASE entry,
    /// which is the library's soname.</summary>
    /// <param name="library">The shared library's path.</param>
    public static IReadOnlyList<string> DefinedVersions(string library)
    {
        var text = Run("-V", "--wide", library);
        int start = text.IndexOf("Version definition section", StringComparison.Ordinal);
        if (start < 0) return [];
        int end = text.IndexOf("Version needs section", start, StringComparison.Ordinal) is var e and >= 0 ? e : text.Length;
        return Definition().Matches(text[start..end]).Where(m => !m.Groups[1].Value.Contains("BASE", StringComparison.Ordinal))
            .Select(m => m.Groups[2].Value).ToList();
    }

    /// <summary>Runs readelf and returns its output; the test fails with readelf's stderr when it exits non-zero, and is
    /// inconclusive naming the package when readelf is not installed (strict CI fails on that).</summary>
    /// <param name="args">readelf's arguments.</param>
    public static string Run(params string[] args)
    {
        var start = new ProcessStartInfo("readelf") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        Process process;
        try { process = Process.Start(start)!; }
        catch (Win32Exception) { Assert.Inconclusive("readelf is missing; install the Debian package binutils (apt-get install -y binutils)."); throw; }
        using (process)
        {
            var error = process.StandardError.ReadToEndAsync();
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0) Assert.Fail($"readelf {string.Join(' ', args)} exited with {process.ExitCode}: {error.Result}");
            return output;
        }
    }

    // e.g. "  0x001c: Rev: 1  Flags: none  Index: 2  Cnt: 1  Name: GLIBCXX_3.4"
    [GeneratedRegex(@"Flags: (.*?)\s+Index: \d+\s+Cnt: \d+\s+Name: (\S+)")]
    private static partial Regex Definition();
}
