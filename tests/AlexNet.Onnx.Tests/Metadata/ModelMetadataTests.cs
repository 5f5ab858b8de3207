using AlexNet.Onnx.Export;
using AlexNet.Onnx.Metadata;
using AlexNet.Onnx.Model;
using AlexNet.Onnx.Tests.Support;

namespace AlexNet.Onnx.Tests.Metadata;

[TestClass]
public sealed class ModelMetadataTests
{
    private static float[] Ramp(int count) => Enumerable.Range(0, count).Select(i => i * 0.25f - 100f).ToArray();

    [TestMethod]
    public void EverythingWrittenReadsBackFromTheFile()
    {
        var architecture = AlexNetArchitecture.Small(numClasses: 4) with { Activation = Activation.Tanh, PoolKernel = 2 };
        var labels = new[] { "T-shirt/top", "Trouser", "Pullover", "Dress \"quoted\" ünïcode" };
        var mean = PixelMean.Image(1, architecture.ResizeSize, Ramp(architecture.ResizeSize * architecture.ResizeSize));
        var training = new TrainingSummary("fashion-mnist", 12, 0.0931, 0.0021, "ten-crop evaluation");
        var metadata = ModelMetadata.ForArchitecture(architecture, labels, mean, pixelScale: 1f / 255, training);
        using var folder = new TempFolder();
        var path = folder.File("model.onnx");
        AlexNetOnnxWriter.Write(path, architecture, TestModels.RandomWeights(architecture, 1), metadata);

        var read = ModelMetadata.Read(path);

        CollectionAssert.AreEqual(labels, read.Labels.ToArray());
        Assert.AreEqual(28, read.InputSize);
        Assert.AreEqual(32, read.ResizeSize);
        Assert.AreEqual(1, read.InputChannels);
        Assert.AreEqual(ChannelOrder.Gray, read.ChannelOrder);
        Assert.AreEqual(1f / 255, read.PixelScale);
        Assert.AreEqual(32, read.Mean.Side);
        CollectionAssert.AreEqual(mean.Values.ToArray(), read.Mean.Values.ToArray());
        Assert.AreEqual("small", read.Preset);
        Assert.AreEqual(training, read.Training);
        Assert.AreEqual(ModelMetadata.CurrentLibraryVersion, read.LibraryVersion);
        Assert.AreEqual(ModelMetadata.CurrentFormatVersion, read.FormatVersion);
    }

    [TestMethod]
    public void CropPaddingReadsBackFromTheProperties()
    {
        var props = PaddedSmallProperties();

        var read = ModelMetadata.FromProperties(props, "props");

        Assert.AreEqual("2", props[MetadataKeys.CropPadding]);
        Assert.AreEqual(2, read.CropPadding);
        Assert.AreEqual(32, read.PaddedSize);
        Assert.AreEqual(2, read.Architecture!.CropPadding);
    }

    [TestMethod]
    public void AFormatOneFileWithoutCropPaddingReadsAsUnpadded()
    {
        var props = ModelMetadata.ForArchitecture(AlexNetArchitecture.Small(numClasses: 3), TestModels.Labels(3), PixelMean.PerChannel(0.5f))
            .ToProperties().ToDictionary(p => p.Key, p => p.Value);
        props.Remove(MetadataKeys.CropPadding);
        props[MetadataKeys.FormatVersion] = "1";

        var read = ModelMetadata.FromProperties(props, "props");

        Assert.AreEqual(0, read.CropPadding);
        Assert.AreEqual(32, read.PaddedSize);
    }

    private static Dictionary<string, string> PaddedSmallProperties() =>
        ModelMetadata.ForArchitecture(AlexNetArchitecture.Small(numClasses: 3) with { ResizeSize = 28, CropPadding = 2 },
                TestModels.Labels(3), PixelMean.PerChannel(0.5f))
            .ToProperties().ToDictionary(p => p.Key, p => p.Value);

    [TestMethod]
    public void ACropLargerThanTheResizedImagePlusPaddingIsRejectedWithTheSource()
    {
        var props = PaddedSmallProperties();
        props[MetadataKeys.ResizeSize] = "20"; // 20 + 2 × 2 < 28

        var e = Assert.ThrowsExactly<InvalidDataException>(() => ModelMetadata.FromProperties(props, "m.onnx"));

        Assert.AreEqual("m.onnx: input size 28, resize size 20 and crop padding 2 must satisfy 0 < input ≤ resize + 2 × padding.", e.Message);
    }

    [TestMethod]
    public void NegativeCropPaddingIsRejectedWithTheSource()
    {
        var props = PaddedSmallProperties();
        props[MetadataKeys.CropPadding] = "-1";

        var e = Assert.ThrowsExactly<InvalidDataException>(() => ModelMetadata.FromProperties(props, "m.onnx"));

        Assert.AreEqual("m.onnx: crop padding must be 0 or more, got -1.", e.Message);
    }

    [TestMethod]
    public void ArchitectureReadsBackEqualEnoughToRebuildTheSameWeightShapes()
    {
        var architecture = AlexNetArchitecture.Paper(numClasses: 5).AsOneTower() with { Lrn = new LrnSettings(K: 1), Dropout = 0.3 };
        var props = ModelMetadata.ForArchitecture(architecture, TestModels.Labels(5), PixelMean.PerChannel(1, 2, 3))
            .ToProperties().ToDictionary(p => p.Key, p => p.Value);

        var rebuilt = ModelMetadata.FromProperties(props, "props").Architecture!;

        Assert.AreEqual(1, rebuilt.Towers);
        Assert.AreEqual(new LrnSettings(K: 1), rebuilt.Lrn);
        Assert.AreEqual(0.3, rebuilt.Dropout);
        CollectionAssert.AreEqual(architecture.Convs.ToArray(), rebuilt.Convs.ToArray());
        CollectionAssert.AreEqual(architecture.FullyConnectedPerTower.ToArray(), rebuilt.FullyConnectedPerTower.ToArray());
        var expected = AlexNetWeights.ExpectedShapes(architecture).SelectMany(s => s.Shape).ToArray();
        CollectionAssert.AreEqual(expected, AlexNetWeights.ExpectedShapes(rebuilt).SelectMany(s => s.Shape).ToArray());
    }

    [TestMethod]
    public void PerChannelMeanAndChannelStdRoundTrip()
    {
        var metadata = new ModelMetadata
        {
            Labels = ["a", "b"], InputSize = 224, ResizeSize = 256, InputChannels = 3,
            PixelScale = 1f / 255, Mean = PixelMean.PerChannel(0.485f, 0.456f, 0.406f), ChannelStd = [0.229f, 0.224f, 0.225f],
        };

        var read = ModelMetadata.FromProperties(metadata.ToProperties().ToDictionary(p => p.Key, p => p.Value), "props");

        Assert.IsFalse(read.Mean.IsImage);
        CollectionAssert.AreEqual(new[] { 0.485f, 0.456f, 0.406f }, read.Mean.Values.ToArray());
        CollectionAssert.AreEqual(new[] { 0.229f, 0.224f, 0.225f }, read.ChannelStd!.ToArray());
        Assert.IsNull(read.Architecture);
        Assert.IsNull(read.Training);
    }

    [TestMethod]
    public void MeanImageIsStoredAsBase64OfLittleEndianFloats()
    {
        var mean = PixelMean.Image(3, 2, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);

        Assert.AreEqual("3x2x2", mean.ShapeText());
        Assert.AreEqual(12 * 4, Convert.FromBase64String(mean.ToBase64()).Length);
        Assert.AreEqual(2f, BitConverter.ToSingle(Convert.FromBase64String(mean.ToBase64()), 4));
        Assert.AreEqual(7f, mean.At(1, 1, 0));
        CollectionAssert.AreEqual(new[] { 2.5f, 6.5f, 10.5f }, mean.ChannelAverages());
    }

    [TestMethod]
    public void NewerFormatVersionIsRejectedWithTheSource()
    {
        var props = TestModels.Metadata(AlexNetArchitecture.Small()).ToProperties().ToDictionary(p => p.Key, p => p.Value);
        props[MetadataKeys.FormatVersion] = "99";

        var error = Assert.ThrowsExactly<InvalidDataException>(() => ModelMetadata.FromProperties(props, "my.onnx"));

        StringAssert.StartsWith(error.Message, "my.onnx:");
        StringAssert.Contains(error.Message, "format 99");
    }

    [TestMethod]
    public void MeanWhoseSizeDisagreesWithItsShapeIsRejected()
    {
        var props = TestModels.Metadata(AlexNetArchitecture.Small()).ToProperties().ToDictionary(p => p.Key, p => p.Value);
        props[MetadataKeys.MeanShape] = "1x32x32";

        var error = Assert.ThrowsExactly<InvalidDataException>(() => ModelMetadata.FromProperties(props, "my.onnx"));

        StringAssert.Contains(error.Message, MetadataKeys.Mean);
        StringAssert.Contains(error.Message, "4096");
    }

    [TestMethod]
    public void MeanImageAtAnotherSideThanTheResizeSizeIsRejected()
    {
        var metadata = TestModels.Metadata(AlexNetArchitecture.Small()) with { Mean = PixelMean.Image(1, 28, new float[28 * 28]) };

        var error = Assert.ThrowsExactly<InvalidDataException>(() => metadata.Validate("x.onnx"));

        StringAssert.Contains(error.Message, "resize size 32");
    }
}
