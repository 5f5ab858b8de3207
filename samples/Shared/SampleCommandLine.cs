using System.CommandLine;
using System.CommandLine.Invocation;

namespace AlexNet.Samples;

/// <summary>A usage error found after parsing (values that do not fit together): exit code 2.</summary>
/// <param name="message">What is wrong, naming the flags.</param>
public sealed class UsageException(string message) : Exception(message);

/// <summary>
/// The samples' (and the bench's) command lines on System.CommandLine, as the <c>alexnet</c> CLI's: --help, parse errors
/// and typo suggestions are its own; exit codes 0 done, 1 a file or data error, 2 a usage error.
/// </summary>
internal static class SampleCommandLine
{
    /// <summary>
    /// Parses <paramref name="args"/> against <paramref name="command"/> and runs <paramref name="action"/>, or the
    /// subcommand's own action where <paramref name="action"/> is null.
    /// </summary>
    public static int Run(RootCommand command, string[] args, Func<ParseResult, int>? action = null)
    {
        if (action != null) command.SetAction(action);
        var parsed = command.Parse(args);
        if (parsed.Action is ParseErrorAction error) error.ShowHelp = false; // the errors and what was meant, not the whole help
        try
        {
            int code = parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
            return parsed.Errors.Count > 0 ? 2 : code;
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or ArgumentException or AlexNet.Onnx.ModelFileException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }

    /// <summary>Parses <paramref name="args"/> for code that builds options without running (tests).</summary>
    /// <exception cref="UsageException">The parser's errors.</exception>
    public static ParseResult Parse(RootCommand command, string[] args)
    {
        var parsed = command.Parse(args);
        return parsed.Errors.Count == 0 ? parsed : throw new UsageException(string.Join(" ", parsed.Errors.Select(e => e.Message)));
    }

    /// <summary>Adds a check of an option's value; <paramref name="check"/> returns what is wrong, or null.</summary>
    public static Option<T> Check<T>(this Option<T> option, Func<T, string?> check)
    {
        option.Validators.Add(result =>
        {
            T value;
            try { value = result.GetValueOrDefault<T>(); }
            catch (InvalidOperationException) { return; } // not a T at all: the parser reports that itself
            if (check(value) is { } problem) result.AddError($"{option.Name} {value}: {problem}.");
        });
        return option;
    }
}
