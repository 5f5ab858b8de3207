using System.Globalization;

namespace AlexNet.Bench;

/// <summary>Command-line flags: <c>--name value</c> pairs and bare switches.</summary>
public sealed class Options
{
    private readonly Dictionary<string, string> _values = [];

    /// <summary>The command (speed, memory).</summary>
    public string Command { get; }

    /// <summary>Parses the arguments.</summary>
    /// <param name="args">Command then flags.</param>
    public Options(string[] args)
    {
        Command = args.Length > 0 ? args[0] : "help";
        for (int i = 1; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"Unexpected argument '{args[i]}'.");
            string name = args[i][2..];
            bool hasValue = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal);
            _values[name] = hasValue ? args[++i] : "true";
        }
    }

    /// <summary>A text flag.</summary>
    /// <param name="name">Flag name without dashes.</param>
    /// <param name="fallback">Default.</param>
    public string Text(string name, string fallback) => _values.GetValueOrDefault(name, fallback);
    /// <summary>An integer flag.</summary>
    /// <param name="name">Flag name without dashes.</param>
    /// <param name="fallback">Default.</param>
    public int Int(string name, int fallback) => _values.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
    /// <summary>A number flag.</summary>
    /// <param name="name">Flag name without dashes.</param>
    /// <param name="fallback">Default.</param>
    public double Number(string name, double fallback) => _values.TryGetValue(name, out var v) ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;
    /// <summary>A switch.</summary>
    /// <param name="name">Flag name without dashes.</param>
    public bool Has(string name) => _values.ContainsKey(name);
}
