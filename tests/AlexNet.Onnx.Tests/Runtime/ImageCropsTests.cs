using AlexNet.Onnx.Imaging;
using AlexNet.Onnx.Metadata;
using AlexNet.Onnx.Model;
using AlexNet.Onnx.Runtime;
using AlexNet.Onnx.Tests.Support;

namespace AlexNet.Onnx.Tests.Runtime;

[TestClass]
public sealed class ImageCropsTests
{
    [TestMethod]
    public void CropScalesSubtractsTheMeanAtItsPlaceDividesByStdAndMirrors()
    {
        // prepared[c, y, x] = 100c + 10y + x on a 4×4 image; mean image m[c, y, x] = y + x; crop 2×2 at (1, 2), mirrored, BGR.
        var prepared = new float[3 * 16];
        var mean = new float[3 * 16];
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < 4; y++)
                for (int x = 0; x < 4; x++)
                {
                    prepared[(c * 4 + y) * 4 + x] = 100 * c + 10 * y + x;
                    mean[(c * 4 + y) * 4 + x] = y + x;
                }
        var metadata = new ModelMetadata
        {
            Labels = ["a"], InputSize = 2, ResizeSize = 4, InputChannels = 3, ChannelOrder = ChannelOrder.Bgr,
            PixelScale = 0.5f, Mean = PixelMean.Image(3, 4, mean), ChannelStd = [1f, 2f, 4f],
        };
        var crop = new float[3 * 4];

        ImageCrops.Crop(metadata, prepared, new CropWindow(Top: 1, Left: 2, Mirror: true), crop);

        Assert.AreEqual((213 * 0.5f - 4) / 1, crop[0]);   // B plane (source 2), row 1, column 3
        Assert.AreEqual((212 * 0.5f - 3) / 1, crop[1]);   // mirrored: column 2 comes second
        Assert.AreEqual((123 * 0.5f - 5) / 2, crop[4 + 2]);   // G plane, row 2, column 3
        Assert.AreEqual((22 * 0.5f - 4) / 4, crop[8 + 3]);  // R plane, row 2, column 2
    }

    [TestMethod]
    public void APaddedCornerCropIsZeroInThePaddingAndTheNormalisedImageShiftedByIt()
    {
        // prepared[y, x] = 10y + x on a 3×3 gray image, mean 1, padding 1: the 5×5 padded image has a zero border.
        var prepared = Enumerable.Range(0, 9).Select(i => (float)(10 * (i / 3) + i % 3)).ToArray();
        var metadata = new ModelMetadata
        {
            Labels = ["a"], InputSize = 3, ResizeSize = 3, CropPadding = 1, InputChannels = 1, ChannelOrder = ChannelOrder.Gray,
            Mean = PixelMean.PerChannel(1f),
        };
        var crop = new float[9];

        ImageCrops.Crop(metadata, prepared, new CropWindow(Top: 2, Left: 0, Mirror: false), crop); // bottom-left window

        CollectionAssert.AreEqual(new float[] { 0, 10 - 1, 11 - 1, 0, 20 - 1, 21 - 1, 0, 0, 0 }, crop);
        Assert.AreEqual(1, ImageCrops.CentreOffset(metadata));
    }

    [TestMethod]
    public void PaperCentreCropStartsAt14()
    {
        var metadata = ModelMetadata.ForArchitecture(AlexNetArchitecture.Paper(), TestModels.Labels(1000), PixelMean.Zero(3));
        Assert.AreEqual(14, ImageCrops.CentreOffset(metadata));
    }

    [TestMethod]
    public void ScoringImageFilesGivesOneDistinctRowPerImage()
    {
        using var folder = new TempFolder();
        var architecture = AlexNetArchitecture.Small(inputChannels: 3);
        var model = ModelFile.Open(TestModels.Write(folder, architecture));
        using var scorer = new BatchScorer(model);

        var scores = scorer.ScoreImages([TestPhotos.Path("chelsea.png"), TestPhotos.Path("coffee.png")]);

        Assert.AreEqual(2, scores.Count);
        Assert.AreEqual(1.0, scores.ProbabilitiesOf(0).ToArray().Sum(), 1e-5);
        Assert.IsGreaterThan(1e-3f, RawFloats.MaxAbsDiff(scores.LogitsOf(0), scores.LogitsOf(1)));
    }

    [TestMethod]
    public void ScoringManyImagesGivesEachImageTheScoreOfItsOwnCentreCrop()
    {
        using var folder = new TempFolder();
        var model = ModelFile.Open(TestModels.Write(folder, AlexNetArchitecture.Small(inputChannels: 3)));
        using var scorer = new BatchScorer(model);
        string[] photos = ["chelsea.png", "coffee.png", "astronaut.png", "rocket.jpg"];
        var paths = Enumerable.Range(0, 9).Select(i => TestPhotos.Path(photos[i * 7 % 4])).ToArray();

        var scores = scorer.ScoreImages(paths);

        int r = model.Metadata.ResizeSize;
        var prepared = new float[3 * r * r];
        var crop = new float[model.CropLength];
        for (int i = 0; i < paths.Length; i++)
        {
            PaperPreparation.Load(paths[i], r, 3, prepared);
            ImageCrops.Centre(model.Metadata, prepared, crop);
            Assert.IsLessThanOrEqualTo(1e-5f, RawFloats.MaxAbsDiff(scorer.Score(crop).Logits, scores.LogitsOf(i)), $"image {i}");
        }
    }

    [TestMethod]
    public void ATruncatedImageAfterGoodOnesIsNamed()
    {
        using var folder = new TempFolder();
        var model = ModelFile.Open(TestModels.Write(folder, AlexNetArchitecture.Small(inputChannels: 3)));
        using var scorer = new BatchScorer(model);
        var path = TestPhotos.Path("truncated.jpg");

        var error = Assert.ThrowsExactly<ImageDecodeException>(() => scorer.ScoreImages([TestPhotos.Path("chelsea.png"), TestPhotos.Path("coffee.png"), path]));

        Assert.AreEqual(path, error.Path);
        Assert.AreEqual($"{path}: the file is truncated: it ends inside the image header.", error.Message);
    }
}
