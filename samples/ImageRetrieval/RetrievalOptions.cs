using System.CommandLine;
using AlexNet.Onnx.Datasets;

namespace AlexNet.Samples.ImageRetrieval;

/// <summary>What to search, with which model, and where the picture goes.</summary>
public sealed record RetrievalOptions
{
    /// <summary>A model.onnx exported by AlexNet.Training (the QuickStart writes one).</summary>
    public string Model { get; init; } = "runs/quickstart/model.onnx";
    /// <summary>Fashion-MNIST folder; null finds the vendored data/fashion-mnist.</summary>
    public string? Data { get; init; }
    /// <summary>Gallery: the first this many Fashion-MNIST test images.</summary>
    public int GallerySize { get; init; } = 1000;
    /// <summary>Queries: the first gallery image of each of this many classes.</summary>
    public int Queries { get; init; } = 6;
    /// <summary>Neighbours per query, other gallery images nearest first (the query itself is never among them; the
    /// paper's Figure 4 shows six).</summary>
    public int Neighbours { get; init; } = 6;
    /// <summary>Destination PNG.</summary>
    public string Output { get; init; } = "runs/retrieval/neighbours.png";
    /// <summary>Screen pixels per image pixel.</summary>
    public int Scale { get; init; } = 3;

    private static readonly RetrievalOptions D = new();
    private static readonly Option<string> ModelOption = new("--model") { Description = "model.onnx exported by AlexNet.Training", DefaultValueFactory = _ => D.Model };
    private static readonly Option<string?> DataOption = new("--data") { Description = "Fashion-MNIST folder [default: the vendored data/fashion-mnist]" };
    private static readonly Option<int> GalleryOption = new Option<int>("--gallery-size")
    {
        Description = "the first N Fashion-MNIST test images form the gallery", DefaultValueFactory = _ => D.GallerySize,
    }.Check(v => v > 1 ? null : "must be at least 2");
    private static readonly Option<int> QueriesOption = new Option<int>("--queries")
    {
        Description = "queries: the first gallery image of each of this many classes", DefaultValueFactory = _ => D.Queries,
    }.Check(v => v >= 1 && v <= FashionMnistFiles.ClassNames.Count ? null : $"must be 1 to {FashionMnistFiles.ClassNames.Count}");
    private static readonly Option<int> NeighboursOption = new Option<int>("--k")
    {
        Description = "neighbours per query: the nearest other gallery images (Figure 4 shows six)", DefaultValueFactory = _ => D.Neighbours,
    }.Check(v => v > 0 ? null : "must be positive");
    private static readonly Option<string> OutputOption = new("--output") { Description = "destination PNG", DefaultValueFactory = _ => D.Output };
    private static readonly Option<int> ScaleOption = new Option<int>("--scale") { Description = "screen pixels per image pixel", DefaultValueFactory = _ => D.Scale }
        .Check(v => v > 0 ? null : "must be positive");

    /// <summary>The command line.</summary>
    public static RootCommand Command()
    {
        var command = new RootCommand("The paper's Figure 4: nearest neighbours by Euclidean distance on fc7. More: README.md, \"Samples\".")
        {
            ModelOption, DataOption, GalleryOption, QueriesOption, NeighboursOption, OutputOption, ScaleOption,
        };
        return command;
    }

    /// <summary>The options a parsed command line gives.</summary>
    /// <param name="r">The parse result of <see cref="Command"/>.</param>
    /// <exception cref="UsageException">--k is not below --gallery-size.</exception>
    public static RetrievalOptions From(ParseResult r)
    {
        var options = new RetrievalOptions
        {
            Model = r.GetValue(ModelOption)!, Data = r.GetValue(DataOption), GallerySize = r.GetValue(GalleryOption), Queries = r.GetValue(QueriesOption),
            Neighbours = r.GetValue(NeighboursOption), Output = r.GetValue(OutputOption)!, Scale = r.GetValue(ScaleOption),
        };
        // Checked here and not in a command validator: inside a validator, System.CommandLine 2.0 reads an option the
        // user did not give as default(T), not as its DefaultValueFactory's value, so the defaults (k 6, gallery 1000)
        // were refused as "6 >= 0". The parse result gives every option its default.
        return options.Neighbours < options.GallerySize ? options
            : throw new UsageException($"--k {options.Neighbours} must be below --gallery-size {options.GallerySize}: the query is not its own neighbour.");
    }

    /// <summary>Parses a command line.</summary>
    /// <param name="args">Flags as listed by --help.</param>
    /// <exception cref="UsageException">An unknown flag or a bad value.</exception>
    public static RetrievalOptions Parse(string[] args) => From(SampleCommandLine.Parse(Command(), args));

    /// <summary>The data folder in force.</summary>
    public string DataFolder => Data ?? FashionMnistFiles.FindVendoredFolder()
        ?? throw new DirectoryNotFoundException("data/fashion-mnist was not found above the working directory or the program; pass --data <folder>.");
}
