using System.CommandLine;
using AlexNet.Training.Training;

namespace AlexNet.Cli;

/// <summary>A usage error found after parsing (flags that do not fit together): exit code 2, like a parse error.</summary>
/// <param name="message">What is wrong, naming the flags.</param>
public sealed class UsageException(string message) : Exception(message);

/// <summary>
/// The <c>alexnet</c> command line: train, evaluate, export, prepare, study, doctor, on System.CommandLine (help, typo
/// suggestions and parse errors are its own). Exit codes: 0 done, 1 the work failed (a file, the data, a non-finite
/// loss; the message says which), 2 a usage error.
/// </summary>
public static class AlexNetCommand
{
    /// <summary>The root command with every subcommand.</summary>
    public static RootCommand Build() => new(Description)
    {
        TrainCommand.Build(),
        EvaluateCommand.Build(),
        ExportCommand.Build(),
        PrepareCommand.Build(),
        StudyCommand.Build(),
        DoctorCommand.Build(),
    };

    private const string Description =
        "AlexNet for .NET: Krizhevsky, Sutskever & Hinton (2012) in TorchSharp. With no flags, train trains the small preset on the " +
        "vendored Fashion-MNIST on the CPU. `alexnet <command> --help` lists a command's flags and their defaults; README.md " +
        "(\"The command line\") and docs/README.md say more.";

    /// <summary>Parses and runs a command line; returns the process exit code.</summary>
    /// <param name="args">The arguments.</param>
    public static int Run(string[] args)
    {
        var root = Build();
        var parsed = root.Parse(args);
        if (args.Length == 0)
        {
            parsed = root.Parse(["--help"]);
            parsed.Invoke();
            return 2;
        }
        // A parse error says what is wrong and what was meant (typo corrections), without the whole help after it.
        if (parsed.Action is System.CommandLine.Invocation.ParseErrorAction error) error.ShowHelp = false;
        try
        {
            int code = parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
            return parsed.Errors.Count > 0 ? 2 : code;
        }
        catch (Exception e) when (Usage(e) is { } usage)
        {
            Console.Error.WriteLine($"error: {usage.Message}");
            return 2;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException or NonFiniteLossException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }

    private static Exception? Usage(Exception e) => e is UsageException or FormatException ? e : null;

    /// <summary>An option's value must be positive: a validator that names the option.</summary>
    internal static Option<T> Positive<T>(this Option<T> option) where T : struct, IComparable<T> =>
        option.Check(v => v.CompareTo(default) > 0 ? null : "must be positive");

    /// <summary>A <c>--seeds</c> option: whole numbers, comma-separated or as separate words (1,2,3 or 1 2 3).</summary>
    /// <param name="description">What the seeds do in this command.</param>
    internal static Option<int[]> Seeds(string description) => new("--seeds")
    {
        Description = description,
        AllowMultipleArgumentsPerToken = true,
        CustomParser = r =>
        {
            var values = r.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries)).ToList();
            var bad = values.FirstOrDefault(v => !int.TryParse(v, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out _));
            if (bad != null) r.AddError($"--seeds: '{bad}' is not a whole number; give seeds like 1,2,3.");
            return bad != null ? [] : [.. values.Select(v => int.Parse(v, System.Globalization.CultureInfo.InvariantCulture))];
        },
    };

    /// <summary>Adds a check of an option's value; <paramref name="check"/> returns what is wrong, or null.</summary>
    internal static Option<T> Check<T>(this Option<T> option, Func<T, string?> check)
    {
        option.Validators.Add(result =>
        {
            T value;
            try { value = result.GetValueOrDefault<T>(); }
            catch (InvalidOperationException) { return; } // not a T at all: the parser reports that itself
            if (check(value) is { } problem) result.AddError($"{option.Name} {TrainCommand.Format(value)}: {problem}.");
        });
        return option;
    }
}
