using Microsoft.ML;

namespace AlexNet.MLNet.Training.Tests;

/// <summary>Item 2 of issue 34: the ML.NET route trains exactly what <c>alexnet train</c> trains.</summary>
[TestClass]
public sealed class CliEquivalenceTests
{
    [TestMethod]
    public void The_trainer_trains_the_weights_alexnet_train_trains_on_the_same_images_options_and_seed()
    {
        // An image folder as the CLI reads it: train/<class>/<image>, val/<class>/<image>.
        string data = Photos.Scratch("folder");
        var train = new List<PhotoRow>();
        var val = new List<PhotoRow>();
        foreach (var (name, file) in Photos.Classes)
        {
            for (int i = 0; i < 3; i++)
            {
                // Every second image mirrored, so the images of a class differ and an order mix-up changes the weights.
                string path = Path.Combine(Directory.CreateDirectory(Path.Combine(data, "train", name)).FullName, $"{i}.png");
                WritePng(TestPhotos.Path(file), path, mirror: i == 1);
                train.Add(new PhotoRow { ImagePath = path, Label = name });
            }
            string held = Path.Combine(Directory.CreateDirectory(Path.Combine(data, "val", name)).FullName, file);
            File.Copy(TestPhotos.Path(file), held);
            val.Add(new PhotoRow { ImagePath = held, Label = name });
        }

        string cliRun = Photos.Scratch("cli");
        var (code, _, err) = InProcessCli.Run(["train", "--data", data, "--preset", "small", "--epochs", "2", "--batch-size", "4", "--lr", "0.02", "--seed", "11",
            "--workers", "1", "--no-ten-crop", "--run-dir", cliRun]);
        Assert.AreEqual(0, code, err);

        // The same images in the CLI's order (class folders sorted, files sorted), the label keyed in sorted class order.
        var ml = new MLContext(seed: 1);
        var key = ml.Transforms.Conversion.MapValueToKey("Label").Fit(ml.Data.LoadFromEnumerable(train));
        string mlnetRun = Photos.Scratch("mlnet");
        var options = new AlexNetTrainer.Options
        {
            FeatureColumnName = nameof(PhotoRow.ImagePath), Preset = "small", Epoch = 2, BatchSize = 4, LearningRate = 0.02, Seed = 11,
            Workers = 1, TenCrop = false, WorkspacePath = mlnetRun, ValidationSet = key.Transform(ml.Data.LoadFromEnumerable(val)),
        };
        using var model = ml.MulticlassClassification.Trainers.AlexNet(options).Fit(key.Transform(ml.Data.LoadFromEnumerable(train)));

        long compared = Weights.AssertIdentical(Weights.Of(cliRun), Weights.Of(mlnetRun));
        Assert.IsGreaterThan(50_000L, compared);
        var (cli, mlnet) = (Weights.State(cliRun), Weights.State(mlnetRun));
        Assert.AreEqual(6L, mlnet.Step);
        CollectionAssert.AreEqual(cli.History.Select(h => h.TrainLoss).ToArray(), mlnet.History.Select(h => h.TrainLoss).ToArray());
        CollectionAssert.AreEqual(cli.ClassNames, mlnet.ClassNames);
    }

    private static void WritePng(string source, string path, bool mirror)
    {
        using var bitmap = AlexNet.Onnx.Imaging.ImageDecoder.Decode(source);
        using var flipped = new SkiaSharp.SKBitmap(bitmap.Width, bitmap.Height, bitmap.ColorType, bitmap.AlphaType);
        using (var canvas = new SkiaSharp.SKCanvas(flipped))
        {
            if (mirror) canvas.Scale(-1, 1, bitmap.Width / 2f, 0);
            canvas.DrawBitmap(bitmap, 0, 0);
        }
        AlexNet.Onnx.Imaging.PngFile.Save(flipped, path);
    }

}
