using AlexNet.MLNet.Tests.Imaging;
using Microsoft.ML;

namespace AlexNet.MLNet.Tests.Support;

/// <summary>LoadImages → ClassifyImagesWithAlexNet over image files, the way an app writes it.</summary>
internal static class Pipelines
{
    public static readonly string[] Photos = ["astronaut.png", "chelsea.png", "coffee.png", "rocket.jpg"];

    public static IDataView Paths(MLContext ml, IEnumerable<string> paths) =>
        ml.Data.LoadFromEnumerable(paths.Select(p => new PathRow { ImagePath = p }).ToArray());

    public static IDataView PhotoPaths(MLContext ml) => Paths(ml, Photos.Select(TestPhotos.Path));

    public static IEstimator<ITransformer> Classify(MLContext ml, string modelPath, AlexNetOptions? options = null) =>
        ml.Transforms.LoadImages("Image", imageFolder: null, inputColumnName: nameof(PathRow.ImagePath))
            .Append(ml.Transforms.ClassifyImagesWithAlexNet(modelPath, "Image", options));

    /// <summary>The estimator reading the path column itself: each file is checked, then loaded.</summary>
    public static IEstimator<ITransformer> ClassifyPaths(MLContext ml, string modelPath, AlexNetOptions? options = null) =>
        ml.Transforms.ClassifyImagesWithAlexNet(modelPath, nameof(PathRow.ImagePath), options);

    public static List<T> Rows<T>(MLContext ml, IDataView data) where T : class, new() =>
        ml.Data.CreateEnumerable<T>(data, reuseRowObject: false).ToList();
}
