using AlexNet.Onnx.Imaging;
using AlexNet.Samples.ImageRetrieval;

namespace AlexNet.Samples.Tests;

[TestClass]
public sealed class ImageRetrievalTests
{
    private static IReadOnlyList<QueryResult> results = [];
    private static string picture = "";

    [ClassInitialize]
    public static void Run(TestContext _)
    {
        picture = Path.Combine(QuickStartRun.Folder, "retrieval", "neighbours.png");
        var options = RetrievalOptions.Parse(["--model", QuickStartRun.Result.OnnxModel, "--gallery-size", "200", "--queries", "4",
            "--k", "5", "--scale", "2", "--output", picture])!;
        results = Retrieval.Run(options, new StringWriter());
    }

    [TestMethod]
    public void Picture_has_one_row_per_query_and_a_column_per_neighbour()
    {
        using var png = ImageDecoder.Decode(picture);
        var (width, height) = NeighbourGrid.Size(queries: 4, neighbours: 5, cell: 28 * 2);
        Assert.AreEqual(width, png.Width);
        Assert.AreEqual(height, png.Height);
    }

    [TestMethod]
    public void No_query_is_among_its_own_neighbours()
    {
        // Figure 4 shows other images; the query itself would always come first at distance 0.
        Assert.HasCount(4, results);
        foreach (var r in results)
        {
            Assert.DoesNotContain(r.Query, r.Neighbours.Select(n => n.Index).ToArray());
            Assert.IsGreaterThan(0.0, r.Neighbours[0].Distance);
        }
    }

    [TestMethod]
    public void Neighbours_come_nearest_first_and_are_distinct_images()
    {
        foreach (var r in results)
        {
            Assert.HasCount(5, r.Neighbours);
            Assert.AreEqual(5, r.Neighbours.Select(n => n.Index).Distinct().Count());
            for (int i = 1; i < r.Neighbours.Count; i++) Assert.IsGreaterThanOrEqualTo(r.Neighbours[i - 1].Distance, r.Neighbours[i].Distance);
            Assert.IsGreaterThan(0.0, r.Neighbours[^1].Distance);
        }
    }
}
