using System.Globalization;

namespace AlexNet.Training.Cli;

/// <summary>A declared command-line flag.</summary>
/// <param name="Name">Name without dashes.</param>
/// <param name="Help">One-line description.</param>
/// <param name="Default">Default shown in --help (null for switches and required values).</param>
/// <param name="IsSwitch">True for on/off flags (--x and --no-x).</param>
public sealed record Flag(string Name, string Help, string? Default = null, bool IsSwitch = false);

/// <summary>Parses <c>--name value</c>, <c>--name=value</c>, <c>--switch</c> and <c>--no-switch</c> against declared flags.</summary>
public sealed class Flags
{
    private readonly Dictionary<string, string> values = new();
    private readonly Dictionary<string, Flag> declared;

    /// <summary>Parses arguments; unknown flags are errors.</summary>
    /// <param name="args">Arguments after the command name.</param>
    /// <param name="flags">Declared flags.</param>
    /// <exception cref="UsageException">Unknown flag or missing value.</exception>
    public Flags(IEnumerable<string> args, IReadOnlyList<Flag> flags)
    {
        declared = flags.ToDictionary(f => f.Name);
        var list = args.ToList();
        for (int i = 0; i < list.Count; i++)
        {
            var a = list[i];
            if (!a.StartsWith("--")) throw new UsageException($"Unexpected argument '{a}'. Flags start with --.");
            var name = a[2..];
            string? value = null;
            int eq = name.IndexOf('=');
            if (eq >= 0) { value = name[(eq + 1)..]; name = name[..eq]; }
            if (name == "help") { values["help"] = "true"; continue; }
            bool negated = name.StartsWith("no-") && declared.TryGetValue(name[3..], out var neg) && neg.IsSwitch;
            var key = negated ? name[3..] : name;
            if (!declared.TryGetValue(key, out var flag))
            {
                var near = declared.Keys.OrderBy(k => Distance(k, key)).First();
                throw new UsageException($"Unknown flag --{name}. Did you mean --{near}? See --help.");
            }
            if (flag.IsSwitch) values[key] = negated ? "false" : value ?? "true";
            else
            {
                if (value == null)
                {
                    if (i + 1 >= list.Count) throw new UsageException($"--{name} needs a value.");
                    value = list[++i];
                }
                values[key] = value;
            }
        }
    }

    /// <summary>True when --help was given.</summary>
    public bool Help => values.ContainsKey("help");

    /// <summary>A string value, or its default.</summary>
    /// <param name="name">Flag name.</param>
    public string? String(string name) => values.TryGetValue(name, out var v) ? v : declared[name].Default;

    /// <summary>An integer value.</summary>
    /// <param name="name">Flag name.</param>
    public int? Int(string name) => Parse(name, s => int.Parse(s, CultureInfo.InvariantCulture));

    /// <summary>A long value.</summary>
    /// <param name="name">Flag name.</param>
    public long? Long(string name) => Parse(name, s => long.Parse(s, CultureInfo.InvariantCulture));

    /// <summary>A floating-point value.</summary>
    /// <param name="name">Flag name.</param>
    public double? Double(string name) => Parse(name, s => double.Parse(s, CultureInfo.InvariantCulture));

    /// <summary>A switch value.</summary>
    /// <param name="name">Flag name.</param>
    public bool Switch(string name) => Parse(name, s => bool.Parse(s)) ?? false;

    private T? Parse<T>(string name, Func<string, T> parse) where T : struct
    {
        var s = String(name);
        if (s == null) return null;
        try { return parse(s); }
        catch (FormatException) { throw new UsageException($"--{name} '{s}' is not a valid {typeof(T).Name.ToLowerInvariant()}."); }
        catch (OverflowException) { throw new UsageException($"--{name} '{s}' is out of range."); }
    }

    /// <summary>The help text for a command.</summary>
    /// <param name="usage">First line.</param>
    /// <param name="flags">Declared flags.</param>
    public static string HelpText(string usage, IReadOnlyList<Flag> flags) =>
        usage + "\n\n" + string.Join("\n", flags.Select(f =>
            $"  --{(f.IsSwitch ? f.Name + " | --no-" + f.Name : f.Name + " <value>"),-34} {f.Help}{(f.Default != null ? $" (default {f.Default})" : "")}"));

    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
            for (int j = 1; j <= b.Length; j++)
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
        return d[a.Length, b.Length];
    }
}

/// <summary>A command-line mistake; the message says what to change.</summary>
/// <param name="message">What is wrong.</param>
public sealed class UsageException(string message) : Exception(message);
