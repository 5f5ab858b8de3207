using AlexNet.Training.Cli;
using AlexNet.Training.Data;

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

    internal static readonly Flag[] Flags =
    [
        new("model", "model.onnx exported by AlexNet.Training", "runs/quickstart/model.onnx"),
        new("data", "Fashion-MNIST folder (default: the vendored data/fashion-mnist)"),
        new("gallery-size", "the first N Fashion-MNIST test images form the gallery", "1000"),
        new("queries", "queries: the first gallery image of each of this many classes", "6"),
        new("k", "neighbours per query: the nearest other gallery images (Figure 4 shows six)", "6"),
        new("output", "destination PNG", "runs/retrieval/neighbours.png"),
        new("scale", "screen pixels per image pixel", "3"),
    ];

    /// <summary>Parses the command line.</summary>
    /// <param name="args">Flags as listed by --help.</param>
    /// <returns>The options, or null when --help was asked for (the help is printed).</returns>
    /// <exception cref="UsageException">An unknown flag or a bad value.</exception>
    public static RetrievalOptions? Parse(string[] args)
    {
        var f = new Flags(args, Flags);
        if (f.Help)
        {
            Console.WriteLine(AlexNet.Training.Cli.Flags.HelpText("usage: dotnet run --project samples/ImageRetrieval -- [flags]", Flags));
            return null;
        }
        var o = new RetrievalOptions
        {
            Model = f.String("model")!, Data = f.String("data"), GallerySize = f.Int("gallery-size")!.Value,
            Queries = f.Int("queries")!.Value, Neighbours = f.Int("k")!.Value, Output = f.String("output")!, Scale = f.Int("scale")!.Value,
        };
        if (o.GallerySize < 1 || o.Queries < 1 || o.Queries > FashionMnist.ClassNames.Count || o.Neighbours < 1 || o.Neighbours >= o.GallerySize || o.Scale < 1)
            throw new UsageException("--gallery-size, --k and --scale must be positive, --queries between 1 and 10, and --k below the gallery size.");
        return o;
    }

    /// <summary>The data folder in force.</summary>
    public string DataFolder => Data ?? FashionMnist.FindVendoredFolder()
        ?? throw new DirectoryNotFoundException("data/fashion-mnist was not found above the working directory or the program; pass --data <folder>.");
}
