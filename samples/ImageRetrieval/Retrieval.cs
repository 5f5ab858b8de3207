using AlexNet.MLNet;
using AlexNet.Onnx.Datasets;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace AlexNet.Samples.ImageRetrieval;

/// <summary>A gallery image: 8-bit gray pixels and its class.</summary>
/// <param name="Pixels">side × side values, row by row.</param>
/// <param name="Label">Class name.</param>
public sealed record GalleryImage(byte[] Pixels, string Label);

/// <summary>A neighbour of a query.</summary>
/// <param name="Index">Its gallery index.</param>
/// <param name="Distance">Euclidean distance between the two fc7 vectors.</param>
public sealed record Neighbour(int Index, double Distance);

/// <summary>A query and its nearest gallery images, nearest first.</summary>
/// <param name="Query">The query's gallery index.</param>
/// <param name="Neighbours">Other gallery images, nearest first; on equal distance the lower index first.</param>
public sealed record QueryResult(int Query, IReadOnlyList<Neighbour> Neighbours);

/// <summary>
/// Section 6.1 and Figure 4: images whose fc7 feature vectors are close in Euclidean distance are close in
/// meaning. The features come out of the ML.NET pipeline (<see cref="AlexNetOptions.EmitFeatures"/>, averaged
/// over the ten crops); the search is brute force.
/// </summary>
public static class Retrieval
{
    /// <summary>Runs the search and writes the picture.</summary>
    /// <param name="o">Options.</param>
    /// <param name="output">Receives the report.</param>
    public static IReadOnlyList<QueryResult> Run(RetrievalOptions o, TextWriter output)
    {
        var (images, labels) = FashionMnistFiles.ReadTest(o.DataFolder);
        int side = images.Dimensions[1], size = side * side, count = Math.Min(o.GallerySize, images.Count);
        var gallery = Enumerable.Range(0, count)
            .Select(i => new GalleryImage(images.Data[(i * size)..((i + 1) * size)], FashionMnistFiles.ClassNames[labels.Data[i]])).ToArray();

        var features = Features(o.Model, gallery, side);
        var queries = gallery.Select((g, i) => (g.Label, i)).GroupBy(x => x.Label).Take(o.Queries).Select(g => g.First().i).ToArray();
        var results = queries.Select(q => new QueryResult(q, Nearest(features, q, o.Neighbours))).ToArray();

        NeighbourGrid.Write(o.Output, gallery, side, results, o.Scale);
        int same = 0, total = 0;
        foreach (var r in results)
        {
            same += r.Neighbours.Count(n => gallery[n.Index].Label == gallery[r.Query].Label);
            total += r.Neighbours.Count;
            output.WriteLine($"query #{r.Query} ({gallery[r.Query].Label}): " +
                string.Join(", ", r.Neighbours.Select(n => $"#{n.Index} {gallery[n.Index].Label} {n.Distance:F2}")));
        }
        output.WriteLine($"{same}/{total} neighbours share their query's class; gallery of {count} Fashion-MNIST test images, fc7 of {features[0].Length} units.");
        output.WriteLine($"picture: {Path.GetFullPath(o.Output)} (query left, neighbours nearest first; green frame: same class, red: different)");
        return results;
    }

    /// <summary>The k gallery vectors nearest to vector <paramref name="query"/> by Euclidean distance, the query itself left
    /// out: it would always come first at distance 0, and Figure 4 shows other images.</summary>
    /// <param name="features">Gallery feature vectors.</param>
    /// <param name="query">Index of the query vector in the gallery.</param>
    /// <param name="k">How many.</param>
    public static IReadOnlyList<Neighbour> Nearest(IReadOnlyList<float[]> features, int query, int k)
    {
        var q = features[query];
        return features.Select((f, i) =>
            {
                double sum = 0;
                for (int d = 0; d < q.Length; d++) { double diff = f[d] - q[d]; sum += diff * diff; }
                return new Neighbour(i, Math.Sqrt(sum));
            })
            .Where(n => n.Index != query)
            .OrderBy(n => n.Distance).ThenBy(n => n.Index)
            .Take(k).ToArray();
    }

    private static float[][] Features(string model, IReadOnlyList<GalleryImage> gallery, int side)
    {
        var ml = new MLContext();
        var rows = gallery.Select(g => new Row { Image = MLImage.CreateFromPixels(side, side, MLPixelFormat.Rgba32, Rgba(g.Pixels)) }).ToList();
        try
        {
            var data = ml.Data.LoadFromEnumerable(rows);
            var pipeline = ml.Transforms.ClassifyImagesWithAlexNet(model, nameof(Row.Image), new AlexNetOptions { EmitFeatures = true });
            using var fitted = pipeline.Fit(data);
            return ml.Data.CreateEnumerable<FeatureRow>(fitted.Transform(data), reuseRowObject: false).Select(r => r.Features).ToArray();
        }
        finally
        {
            foreach (var r in rows) r.Image?.Dispose();
        }
    }

    private static byte[] Rgba(byte[] gray)
    {
        var rgba = new byte[gray.Length * 4];
        for (int p = 0; p < gray.Length; p++) { rgba[4 * p] = rgba[4 * p + 1] = rgba[4 * p + 2] = gray[p]; rgba[4 * p + 3] = 255; }
        return rgba;
    }

    private sealed class Row
    {
        [ImageType(28, 28)]
        public MLImage? Image { get; set; }
    }

    private sealed class FeatureRow
    {
        public float[] Features { get; set; } = [];
    }
}
