using AlexNet.MLNet.Labels;
using AlexNet.MLNet.Tests.Support;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace AlexNet.MLNet.Tests.Evaluation;

/// <summary>
/// <see cref="AlexNetOptions.LabelColumnName"/>: the label column becomes PredictedLabel's key type in the model's class
/// order, so ML.NET's <c>MulticlassClassification.Evaluate</c> with its default column names gives the true figures. The
/// rows list the four photos starting with the rocket, so the labels' first-appearance order (rocket, coffee, astronaut,
/// cat) differs from the model's class order (astronaut, cat, coffee, rocket): the case where ML.NET's own
/// <c>MapValueToKey("Label")</c> gives keys that do not match Score's slots.
/// </summary>
[TestClass]
public sealed class LabelColumnTests
{
    internal static readonly string[] Classes = ["astronaut", "cat", "coffee", "rocket"];

    // 12 rows: each photo three times, labelled with its true class, rocket first.
    internal static LabelledPhoto[] Rows() =>
    [
        .. Enumerable.Range(0, 3).SelectMany(_ => new[]
        {
            new LabelledPhoto { ImagePath = TestPhotos.Path("rocket.jpg"), Label = "rocket" },
            new LabelledPhoto { ImagePath = TestPhotos.Path("coffee.png"), Label = "coffee" },
            new LabelledPhoto { ImagePath = TestPhotos.Path("astronaut.png"), Label = "astronaut" },
            new LabelledPhoto { ImagePath = TestPhotos.Path("chelsea.png"), Label = "cat" },
        }),
    ];

    internal static AlexNetEstimator Classify(MLContext ml, string label = "Label") =>
        ml.Transforms.ClassifyImagesWithAlexNet(TestModels.Rgb, nameof(LabelledPhoto.ImagePath), new AlexNetOptions { LabelColumnName = label });

    // The rows scored with the Label column keyed (the transformer is left to the process: a test reads the view once).
    private static IDataView Scored(MLContext ml, IEnumerable<LabelledPhoto> rows)
    {
        var data = ml.Data.LoadFromEnumerable(rows);
        return Classify(ml).Fit(data).Transform(data);
    }

    [TestMethod]
    public void TextLabelsBecomeKeysNumberedInTheModelsClassOrder()
    {
        var ml = new MLContext(seed: 1);
        var output = Scored(ml, Rows());

        Assert.AreEqual(new KeyDataViewType(typeof(uint), 4), output.Schema["Label"].Type);
        CollectionAssert.AreEqual(Classes, KeyValues(output.Schema["Label"]));
        var keys = output.GetColumn<uint>("Label").ToArray();
        CollectionAssert.AreEqual(Rows().Select(r => (uint)Array.IndexOf(Classes, r.Label) + 1).ToArray(), keys);
    }

    [TestMethod]
    public void EvaluateWithDefaultColumnNamesEqualsTheHandComputation()
    {
        var ml = new MLContext(seed: 1);
        var scored = Scored(ml, Rows());

        var metrics = ml.MulticlassClassification.Evaluate(scored);

        var hand = HandMetrics.Of(scored.GetColumn<float[]>("Score").ToArray(), Rows().Select(r => Array.IndexOf(Classes, r.Label)).ToArray());
        Assert.AreEqual(hand.MicroAccuracy, metrics.MicroAccuracy, 1e-12);
        Assert.AreEqual(hand.MacroAccuracy, metrics.MacroAccuracy, 1e-12);
        Assert.AreEqual(hand.LogLoss, metrics.LogLoss, 1e-9);
        Assert.IsGreaterThan(0.0, hand.MicroAccuracy, "some rows right, so a wrong key order would show");
    }

    [TestMethod]
    public void ConfusionMatrixRowsAreTheClassNames()
    {
        var ml = new MLContext(seed: 1);
        var metrics = ml.MulticlassClassification.Evaluate(Scored(ml, Rows()));

        // ML.NET writes each truth row as "<index>. <class name> ||", the names from Score's slot names.
        var table = metrics.ConfusionMatrix.GetFormattedConfusionTable();
        var rowNames = table.Split('\n').Select(l => System.Text.RegularExpressions.Regex.Match(l, @"^\s*(\d+)\.\s+(.+?)\s+\|\|"))
            .Where(m => m.Success).Select(m => $"{m.Groups[1].Value}. {m.Groups[2].Value}").ToArray();
        CollectionAssert.AreEqual(Classes.Select((c, i) => $"{i}. {c}").ToArray(), rowNames, table);
        Assert.AreEqual(4, metrics.ConfusionMatrix.NumberOfClasses);
        // Each photo appears three times under its own class: every row of the matrix counts 3.
        for (int c = 0; c < 4; c++) Assert.AreEqual(3.0, metrics.ConfusionMatrix.Counts[c].Sum());
    }

    [TestMethod]
    public void AKeyLabelInFirstAppearanceOrderIsReKeyedByName()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Rows());
        var keyed = ml.Transforms.Conversion.MapValueToKey("Label").Fit(data).Transform(data);
        CollectionAssert.AreEqual(new[] { "rocket", "coffee", "astronaut", "cat" }, KeyValues(keyed.Schema["Label"]), "ML.NET keys by first appearance");

        var scored = Classify(ml).Fit(keyed).Transform(keyed);

        CollectionAssert.AreEqual(Classes, KeyValues(scored.Schema["Label"]));
        var metrics = ml.MulticlassClassification.Evaluate(scored);
        var hand = HandMetrics.Of(scored.GetColumn<float[]>("Score").ToArray(), Rows().Select(r => Array.IndexOf(Classes, r.Label)).ToArray());
        Assert.AreEqual(hand.MicroAccuracy, metrics.MicroAccuracy, 1e-12);
        Assert.AreEqual(hand.LogLoss, metrics.LogLoss, 1e-9);
    }

    [TestMethod]
    public void AKeyLabelNamingTheClassesInAnotherOrderIsRefusedWithoutLabelColumnName()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Rows());
        var keyed = ml.Transforms.Conversion.MapValueToKey("Label").Fit(data).Transform(data);

        var e = Assert.ThrowsExactly<ArgumentException>(() =>
            ml.Transforms.ClassifyImagesWithAlexNet(TestModels.Rgb, nameof(LabelledPhoto.ImagePath)).Fit(keyed));

        StringAssert.Contains(e.Message, "Column 'Label'");
        StringAssert.Contains(e.Message, "key 1 is 'rocket'");
        StringAssert.Contains(e.Message, "class 1 (Score slot 0) is 'astronaut'");
        StringAssert.Contains(e.Message, "AlexNetOptions.LabelColumnName = \"Label\"");
    }

    [TestMethod]
    public void AKeyColumnWithAnotherNameIsLeftToTheTrainerItFeeds()
    {
        // Transfer learning (samples/PipelineComposition): a downstream trainer learns in its own label's key order.
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Rows());
        var keyed = ml.Transforms.Conversion.MapValueToKey("LabelKey", "Label").Fit(data).Transform(data);

        using var model = ml.Transforms.ClassifyImagesWithAlexNet(TestModels.Rgb, nameof(LabelledPhoto.ImagePath)).Fit(keyed);

        CollectionAssert.AreEqual(new[] { "rocket", "coffee", "astronaut", "cat" }, KeyValues(model.Transform(keyed).Schema["LabelKey"]));
    }

    [TestMethod]
    public void ALabelTheModelDoesNotKnowIsAnErrorNamingItAndTheClasses()
    {
        var ml = new MLContext(seed: 1);
        LabelledPhoto[] rows = [.. Rows().Take(2), new LabelledPhoto { ImagePath = TestPhotos.Path("chelsea.png"), Label = "dog" }];
        var scored = Scored(ml, rows);

        var e = Assert.Throws<Exception>(() => ml.MulticlassClassification.Evaluate(scored));

        var unknown = Innermost<UnknownLabelException>(e);
        Assert.AreEqual("dog", unknown.Label);
        StringAssert.Contains(unknown.Message, "'dog' is not one of the model's 4 classes: 'astronaut', 'cat', 'coffee', 'rocket'");
    }

    [TestMethod]
    public void AnEmptyLabelIsAMissingKeyThatEvaluateLeavesOut()
    {
        var ml = new MLContext(seed: 1);
        LabelledPhoto[] rows = [.. Rows().Take(4), new LabelledPhoto { ImagePath = TestPhotos.Path("chelsea.png"), Label = "" }];
        var scored = Scored(ml, rows);

        CollectionAssert.AreEqual(new uint[] { 4, 3, 1, 2, 0 }, scored.GetColumn<uint>("Label").ToArray());
        var metrics = ml.MulticlassClassification.Evaluate(scored);
        var hand = HandMetrics.Of(scored.GetColumn<float[]>("Score").Take(4).ToArray(), [3, 2, 0, 1]);
        Assert.AreEqual(hand.MicroAccuracy, metrics.MicroAccuracy, 1e-12);
    }

    [TestMethod]
    public void KeyColumnsSurviveSaveAndLoadWithTheirKeyValues()
    {
        using var folder = new TempFolder();
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Rows());
        using var fitted = Classify(ml).Fit(data);
        var before = fitted.Transform(data);
        ml.Model.Save(fitted, data.Schema, folder.File("model.zip"));

        var loaded = new MLContext().Model.Load(folder.File("model.zip"), out _);
        var after = loaded.Transform(data);

        foreach (var name in new[] { "PredictedLabel", "Label" })
        {
            Assert.AreEqual(before.Schema[name].Type, after.Schema[name].Type, name);
            CollectionAssert.AreEqual(KeyValues(before.Schema[name]), KeyValues(after.Schema[name]), name);
            CollectionAssert.AreEqual(before.GetColumn<uint>(name).ToArray(), after.GetColumn<uint>(name).ToArray(), name);
        }
    }

    [TestMethod]
    public void ALabelColumnThatIsNeitherTextNorATextKeyIsRefusedNamingIt()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Rows().Select(r => new NumberedPhoto { ImagePath = r.ImagePath, Label = 3f }));

        var e = Assert.ThrowsExactly<ArgumentException>(() => Classify(ml).Fit(data));

        StringAssert.Contains(e.Message, "Column 'Label' (AlexNetOptions.LabelColumnName) holds Single");
    }

    internal static string[] KeyValues(DataViewSchema.Column column)
    {
        var values = default(VBuffer<ReadOnlyMemory<char>>);
        column.GetKeyValues(ref values);
        return [.. values.DenseValues().Select(v => v.ToString())];
    }

    private static T Innermost<T>(Exception e) where T : Exception
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
            if (x is T found) return found;
        throw new AssertFailedException($"no {typeof(T).Name} in {e}");
    }

    public sealed class LabelledPhoto
    {
        public string ImagePath { get; set; } = "";
        public string Label { get; set; } = "";
    }

    public sealed class NumberedPhoto
    {
        public string ImagePath { get; set; } = "";
        public float Label { get; set; }
    }
}
