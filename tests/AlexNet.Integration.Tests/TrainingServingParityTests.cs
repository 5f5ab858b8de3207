using AlexNet.MLNet;
using AlexNet.Onnx.Model;
using AlexNet.Onnx.Serving;
using AlexNet.Training.Data;
using AlexNet.Training.Export;
using AlexNet.Training.Model;
using AlexNet.Training.Training;
using Microsoft.ML;
using static TorchSharp.torch;
using DataCropMode = AlexNet.Onnx.Imaging.CropMode;

namespace AlexNet.Integration.Tests;

[TestClass]
public sealed class TrainingServingParityTests
{
    private static readonly string[] Photos = ["astronaut.png", "chelsea.png", "coffee.png", "rocket.jpg"];

    public sealed class PathRow { public string ImagePath { get; set; } = ""; }
    public sealed class Prediction
    {
        public float[] Score { get; set; } = [];
        public uint PredictedLabel { get; set; }
    }

    // One class folder per photo, so the training side reads exactly these four files in a known order.
    private static (ImageFolderDataset Data, string[] Files) PhotoDataset(int size)
    {
        var root = Path.Combine(Path.GetTempPath(), "alexnet-parity", Guid.NewGuid().ToString("N"));
        var files = Photos.Select((p, i) =>
        {
            var dir = Path.Combine(root, $"c{i}");
            Directory.CreateDirectory(dir);
            var dest = Path.Combine(dir, p);
            File.Copy(TestPhotos.Path(p), dest);
            return dest;
        }).ToArray();
        return (ImageFolderDataset.Open(root, new ImageFolderOptions { Size = size, Channels = 3 }), files);
    }

    private static void AssertTenCropParity(AlexNetArchitecture arch, DataCropMode trainingMode, AlexNet.Onnx.Imaging.CropMode servingMode)
    {
        random.manual_seed(5);
        using var model = new AlexNetModel(arch);
        model.eval();
        var (data, files) = PhotoDataset(arch.ResizeSize);
        var mean = MeanImage.Compute(data);
        const double scale = 1.0 / 255;
        var modelPath = Path.Combine(Path.GetDirectoryName(files[0])!, "..", "model.onnx");
        ModelExport.Write(model, mean, scale, ["astronaut", "cat", "coffee", "rocket"], modelPath);

        var expected = Evaluator.Probabilities(model, data, mean, scale, trainingMode, batchImages: 2, workers: 1);

        var ml = new MLContext(seed: 1);
        var input = ml.Data.LoadFromEnumerable(files.Select(f => new PathRow { ImagePath = f }).ToArray());
        var pipeline = ml.Transforms.ClassifyImagesWithAlexNet(modelPath, nameof(PathRow.ImagePath), new AlexNetOptions { CropMode = servingMode });
        using var transformer = pipeline.Fit(input);
        var rows = ml.Data.CreateEnumerable<Prediction>(transformer.Transform(input), reuseRowObject: false).ToList();

        Assert.AreEqual(files.Length, rows.Count);
        double worst = 0;
        for (int i = 0; i < files.Length; i++)
        {
            // The dataset lists images in class-folder order, which is the photo order here.
            Assert.AreEqual(arch.NumClasses, rows[i].Score.Length);
            for (int c = 0; c < arch.NumClasses; c++) worst = Math.Max(worst, Math.Abs(expected[i, c] - rows[i].Score[c]));
            // Scale: an untrained net's probabilities sit near 1/4 (measured 0.18-0.28), and an absolute 1e-4 means something
            // only while they spread well beyond it: 100 times, or a near-uniform output would pass whatever the crops were.
            var p = Enumerable.Range(0, arch.NumClasses).Select(c => expected[i, c]).ToArray();
            Assert.IsGreaterThan(1e-2f, p.Max() - p.Min(), $"{Photos[i]}: nearly uniform probabilities [{string.Join(", ", p.Select(v => v.ToString("F4")))}]");
        }
        Assert.IsTrue(worst <= 1e-4, $"max |ML.NET − TorchSharp| = {worst:g3}");
    }

    [TestMethod]
    public void MlNetTenCropScoresEqualTheTrainingSidesTenCropEvaluationForTheSmallPreset() =>
        AssertTenCropParity(AlexNetArchitecture.Small(numClasses: 4, inputChannels: 3), DataCropMode.TenCrop, AlexNet.Onnx.Imaging.CropMode.TenCrop);

    [TestMethod]
    public void MlNetCentreCropScoresEqualTheTrainingSidesCentreCropEvaluationForTheSmallPreset() =>
        AssertTenCropParity(AlexNetArchitecture.Small(numClasses: 4, inputChannels: 3), DataCropMode.CentreCrop, AlexNet.Onnx.Imaging.CropMode.CentreCrop);

    // 28-px images padded by 2 zeros a side: the corner crops reach into the padding, the centre crop is the image.
    private static AlexNetArchitecture PaddedSmall() => AlexNetArchitecture.Small(numClasses: 4, inputChannels: 3) with { ResizeSize = 28, CropPadding = 2 };

    [TestMethod]
    public void MlNetTenCropScoresEqualTheTrainingSidesTenCropEvaluationWithCropPadding() =>
        AssertTenCropParity(PaddedSmall(), DataCropMode.TenCrop, AlexNet.Onnx.Imaging.CropMode.TenCrop);

    [TestMethod]
    public void MlNetCentreCropScoresEqualTheTrainingSidesCentreCropEvaluationWithCropPadding() =>
        AssertTenCropParity(PaddedSmall(), DataCropMode.CentreCrop, AlexNet.Onnx.Imaging.CropMode.CentreCrop);

    [TestMethod]
    public void MlNetTenCropScoresEqualTheTrainingSidesTenCropEvaluationForThePaperPreset() =>
        AssertTenCropParity(AlexNetArchitecture.Paper(numClasses: 4), DataCropMode.TenCrop, AlexNet.Onnx.Imaging.CropMode.TenCrop);
}
