using AlexNet.Onnx.Imaging;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;
using SkiaSharp;

namespace AlexNet.MLNet.Tests.Imaging;

/// <summary>
/// Training prepares images with AlexNet.Onnx.Imaging; serving uses ML.NET's LoadImages → ResizeImages(IsoCrop,
/// Center) → ExtractPixels. These tests hold the two to the same pixels, bit for bit.
/// </summary>
[TestClass]
public sealed class IsoCropMatchesMlNetTests
{
    private sealed class PathRow
    {
        public string ImagePath { get; set; } = "";
    }

    private sealed class PixelRow
    {
        [ColumnName("Pixels")]
        public float[] Pixels { get; set; } = [];
    }

    private static float[] MlNetPixels(string path, int side, ImagePixelExtractingEstimator.ColorBits colors)
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable([new PathRow { ImagePath = path }]);
        var pipeline = ml.Transforms.LoadImages("Image", imageFolder: null, inputColumnName: nameof(PathRow.ImagePath))
            .Append(ml.Transforms.ResizeImages("Image", side, side, "Image",
                ImageResizingEstimator.ResizingKind.IsoCrop, ImageResizingEstimator.Anchor.Center))
            .Append(ml.Transforms.ExtractPixels("Pixels", "Image", colorsToExtract: colors, interleavePixelColors: false));
        var transformed = pipeline.Fit(data).Transform(data);
        return ml.Data.CreateEnumerable<PixelRow>(transformed, reuseRowObject: false).Single().Pixels;
    }

    private static float[] OurPixels(string path, int side, int channels, ImageDecodeOptions? options = null)
    {
        var pixels = new float[channels * side * side];
        PaperPreparation.Load(path, side, channels, pixels, options);
        return pixels;
    }

    private static float MaxAbsDiff(float[] a, float[] b)
    {
        Assert.HasCount(a.Length, b);
        float max = 0;
        for (int i = 0; i < a.Length; i++) max = Math.Max(max, Math.Abs(a[i] - b[i]));
        return max;
    }

    [TestMethod]
    [DataRow("chelsea.png", 256)]
    [DataRow("coffee.png", 256)]
    [DataRow("rocket.jpg", 256)]
    [DataRow("astronaut.png", 256)]
    [DataRow("rocket.jpg", 227)]
    [DataRow("chelsea.png", 32)]
    public void ColourPhotoGivesMlNetsExactPixels(string photo, int side)
    {
        string path = TestPhotos.Path(photo);
        var ours = OurPixels(path, side, 3);
        var theirs = MlNetPixels(path, side, ImagePixelExtractingEstimator.ColorBits.Rgb);
        Assert.AreEqual(0f, MaxAbsDiff(ours, theirs));
        Assert.IsGreaterThan(50f, ours.Average(), "a real photo, not a blank canvas");
    }

    [TestMethod]
    public void ImageAlreadyAtSizePassesThroughUnchanged()
    {
        string path = TestPhotos.Path("astronaut.png"); // 512×512
        var ours = OurPixels(path, 512, 3);
        using var decoded = ImageDecoder.Decode(path);
        var raw = new float[3 * 512 * 512];
        PlanarPixels.Extract(decoded, 3, raw);
        Assert.AreEqual(0f, MaxAbsDiff(ours, raw));
        Assert.AreEqual(0f, MaxAbsDiff(ours, MlNetPixels(path, 512, ImagePixelExtractingEstimator.ColorBits.Rgb)));
    }

    [TestMethod]
    public void PortraitPhotoGivesMlNetsExactPixels()
    {
        string dir = Directory.CreateTempSubdirectory("alexnet-portrait").FullName;
        try
        {
            // A real photo turned on its side: 300×451, so the crop runs vertically.
            string path = System.IO.Path.Combine(dir, "chelsea-portrait.png");
            using (var cat = ImageDecoder.Decode(TestPhotos.Path("chelsea.png")))
            using (var portrait = new SKBitmap(cat.Height, cat.Width, isOpaque: true))
            {
                using (var canvas = new SKCanvas(portrait))
                {
                    canvas.Translate(portrait.Width, 0);
                    canvas.RotateDegrees(90);
                    canvas.DrawBitmap(cat, 0, 0);
                }
                PngFile.Save(portrait, path);
            }
            var ours = OurPixels(path, 96, 3);
            Assert.AreEqual(0f, MaxAbsDiff(ours, MlNetPixels(path, 96, ImagePixelExtractingEstimator.ColorBits.Rgb)));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [TestMethod]
    public void GrayImageRedPlaneGivesMlNetsExactPixels()
    {
        string dir = Directory.CreateTempSubdirectory("alexnet-gray").FullName;
        try
        {
            // A real 28×28-style gray image: the coffee photo reduced and stored as 8-bit gray PNG.
            string path = System.IO.Path.Combine(dir, "coffee-gray.png");
            var gray = new byte[28 * 28];
            using (var coffee = ImageDecoder.Decode(TestPhotos.Path("coffee.png")))
            using (var small = IsoCropResize.Resize(coffee, 28))
            {
                var rgb = new byte[3 * 28 * 28];
                PlanarPixels.Extract(small, 3, rgb);
                for (int i = 0; i < gray.Length; i++) gray[i] = (byte)((rgb[i] * 30 + rgb[784 + i] * 59 + rgb[1568 + i] * 11) / 100);
            }
            using (var grayBitmap = new SKBitmap(new SKImageInfo(28, 28, SKColorType.Gray8, SKAlphaType.Opaque)))
            {
                System.Runtime.InteropServices.Marshal.Copy(gray, 0, grayBitmap.GetPixels(), gray.Length);
                PngFile.Save(grayBitmap, path);
            }
            Assert.IsTrue(ImageDecoder.ReadHeader(path).IsGray);

            var ours = OurPixels(path, 32, 1);
            var theirs = MlNetPixels(path, 32, ImagePixelExtractingEstimator.ColorBits.Red);
            Assert.AreEqual(0f, MaxAbsDiff(ours, theirs));

            // The IDX route (raw gray bytes → RGBA bitmap → resize) lands on the same pixels as the PNG route.
            using var fromBytes = GrayImage.ToBitmap(gray, 28, 28);
            using var resized = IsoCropResize.Resize(fromBytes, 32);
            var idxRoute = new float[32 * 32];
            PlanarPixels.Extract(resized, 1, idxRoute);
            Assert.AreEqual(0f, MaxAbsDiff(idxRoute, theirs));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [TestMethod]
    public void JpegCutInsideItsHeaderIsRejectedByBothAndOurErrorNamesTheFile()
    {
        string path = TestPhotos.Path("truncated.jpg"); // 400 bytes of a 100×100 JPEG
        Assert.ThrowsExactly<InvalidOperationException>(() => MlNetPixels(path, 64, ImagePixelExtractingEstimator.ColorBits.Rgb), "ML.NET rejects it too");
        var e = Assert.ThrowsExactly<ImageDecodeException>(() => OurPixels(path, 64, 3, new ImageDecodeOptions { AllowTruncated = true }));
        Assert.AreEqual(path, e.Path);
        Assert.Contains("truncated", e.Message);
    }

    [TestMethod]
    public void JpegCutInsideItsDataDecodesLikeMlNetOnlyWhenAllowed()
    {
        string dir = Directory.CreateTempSubdirectory("alexnet-cut").FullName;
        try
        {
            string path = System.IO.Path.Combine(dir, "rocket-half.jpg");
            var bytes = File.ReadAllBytes(TestPhotos.Path("rocket.jpg"));
            File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);

            var e = Assert.ThrowsExactly<ImageDecodeException>(() => OurPixels(path, 64, 3));
            StringAssert.Contains(e.Message, path);
            StringAssert.Contains(e.Message, "truncated");

            var ours = OurPixels(path, 64, 3, new ImageDecodeOptions { AllowTruncated = true });
            Assert.AreEqual(0f, MaxAbsDiff(ours, MlNetPixels(path, 64, ImagePixelExtractingEstimator.ColorBits.Rgb)));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
