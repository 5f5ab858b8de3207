using Microsoft.ML;
using Microsoft.ML.Data;

namespace AlexNet.MLNet.Training.Tests;

/// <summary>A labelled row: an image file and its class name.</summary>
public sealed class PhotoRow
{
    public string ImagePath { get; set; } = "";
    public string Label { get; set; } = "";
}

/// <summary>Small labelled sets built from the vendored scikit-image photos.</summary>
internal static class Photos
{
    /// <summary>The four photos, each its own class (class names sort as the files do).</summary>
    public static readonly (string Class, string File)[] Classes =
        [("astronaut", "astronaut.png"), ("cat", "chelsea.png"), ("coffee", "coffee.png"), ("rocket", "rocket.jpg")];

    /// <summary><paramref name="copies"/> rows of each class, class by class.</summary>
    public static PhotoRow[] Rows(int copies) =>
        [.. Classes.SelectMany(c => Enumerable.Repeat(new PhotoRow { ImagePath = TestPhotos.Path(c.File), Label = c.Class }, copies))];

    /// <summary>The rows as a data view with the label keyed (key values in first-appearance order, here the sorted class names).</summary>
    public static IDataView Keyed(MLContext ml, IEnumerable<PhotoRow> rows) =>
        ml.Transforms.Conversion.MapValueToKey("Label").Fit(ml.Data.LoadFromEnumerable(rows)).Transform(ml.Data.LoadFromEnumerable(rows));

    /// <summary>Options for a run of seconds: the small preset (32-px images), one epoch of batches of 4.</summary>
    public static AlexNetTrainer.Options Quick(string? workspace = null) => new()
    {
        FeatureColumnName = nameof(PhotoRow.ImagePath), Preset = "small", Epoch = 1, BatchSize = 4, ValidationSetFraction = 0.25,
        TenCrop = false, Workers = 1, Seed = 7, WorkspacePath = workspace,
    };

    public static string Scratch(string name) => Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"{name}-{Guid.NewGuid():N}")).FullName;
}
