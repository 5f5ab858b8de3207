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
        // Cells of 28 × 2 = 56 pixels with 6-pixel pads, and a 16-pixel gap after the query column:
        // 6 + 56 + 16 + 5 × (56 + 6) wide, 6 + 4 × (56 + 6) high.
        Assert.AreEqual(388, png.Width);
        Assert.AreEqual(254, png.Height);
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
