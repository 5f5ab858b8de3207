using System.CommandLine;

namespace AlexNet.Samples.WebApp;

/// <summary>The web service's command line: which model it serves and where it listens.</summary>
public sealed record WebAppOptions
{
    /// <summary>The default address: loopback only, so a first run is not reachable from the network.</summary>
    public const string DefaultUrls = "http://127.0.0.1:5080";

    /// <summary>A model.onnx exported by AlexNet.Training (the QuickStart writes one).</summary>
    public string Model { get; init; } = "runs/quickstart/model.onnx";
    /// <summary>Addresses to listen on, separated by ';'; null takes ASP.NET Core's own setting (ASPNETCORE_URLS),
    /// or <see cref="DefaultUrls"/> without one.</summary>
    public string? Urls { get; init; }

    private static readonly WebAppOptions D = new();
    private static readonly Option<string> ModelOption = new("--model") { Description = "model.onnx exported by AlexNet.Training", DefaultValueFactory = _ => D.Model };
    private static readonly Option<string?> UrlsOption = new("--urls")
    {
        Description = $"addresses to listen on, ';' between them [default: ASPNETCORE_URLS, else {DefaultUrls}]",
    };

    /// <summary>The command line.</summary>
    public static RootCommand Command() => new(
        "Serves an exported AlexNet over HTTP through ML.NET: a page at /, POST /classify (an image; ?top=K), GET /model. " +
        "More: README.md, \"Samples\", and docs/MLNET.md.")
    {
        ModelOption, UrlsOption,
    };

    /// <summary>The options a parsed command line gives.</summary>
    /// <param name="r">The parse result of <see cref="Command"/>.</param>
    public static WebAppOptions From(ParseResult r) => new() { Model = r.GetValue(ModelOption)!, Urls = r.GetValue(UrlsOption) };

    /// <summary>Parses a command line.</summary>
    /// <param name="args">Flags as listed by --help.</param>
    /// <exception cref="UsageException">An unknown flag or a bad value.</exception>
    public static WebAppOptions Parse(string[] args) => From(SampleCommandLine.Parse(Command(), args));
}
