using System.Diagnostics;
using System.Text.RegularExpressions;
using AlexNet.MLNet;
using AlexNet.Onnx;
using AlexNet.Onnx.Imaging;
using Microsoft.ML;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace AlexNet.Integration.Tests;

/// <summary>
/// <c>alexnet export --checkpoint RUN --serving DIR [--triton]</c>: the serving graph ML.NET runs, written as a standalone
/// ONNX file with a batch axis and as a Triton model repository. A small-preset run trained for one epoch on the
/// vendored photos (three classes) is the checkpoint; the ML.NET route reads the model.onnx of the same export.
/// </summary>
[TestClass]
public sealed partial class ServingExportTests
{
    private static string folder = "";
    private static string classifier = "";
    private static string servingGraph = "";
    private static string tritonModel = "";
    private static readonly string[] Classes = ["astronaut", "chelsea", "coffee"];

    public sealed class PathRow { public string ImagePath { get; set; } = ""; }
    public sealed class Scored
    {
        public float[] Score { get; set; } = [];
        public string PredictedLabel { get; set; } = "";
    }

    [ClassInitialize]
    public static void TrainAndExport(TestContext _)
    {
        folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"serving-export-{Guid.NewGuid():N}")).FullName;
        // train/<class>/<photo> and val/<class>/<photo>, one photo a class, rocket.jpg a second coffee in train.
        foreach (var split in new[] { "train", "val" })
            foreach (var (name, photo) in Classes.Zip(new[] { "astronaut.png", "chelsea.png", "coffee.png" }))
                File.Copy(TestPhotos.Path(photo), Path.Combine(Directory.CreateDirectory(Path.Combine(folder, "data", split, name)).FullName, photo));
        File.Copy(TestPhotos.Path("rocket.jpg"), Path.Combine(folder, "data", "train", "coffee", "rocket.jpg"));
        var run = Path.Combine(folder, "run");
        var (code, _, error) = InProcessCli.Run("train", "--data", Path.Combine(folder, "data"), "--preset", "small", "--epochs", "1", "--batch-size", "4",
            "--workers", "1", "--no-ten-crop", "--no-export", "--seed", "3", "--run-dir", run);
        Assert.AreEqual(0, code, error);

        classifier = Path.Combine(folder, "model.onnx");
        (code, var output, error) = InProcessCli.Run("export", "--checkpoint", run, "--output", classifier, "--serving", Path.Combine(folder, "serving"));
        Assert.AreEqual(0, code, error);
        servingGraph = Path.Combine(folder, "serving", "serving.onnx");
        StringAssert.Contains(output, $"serving graph: {servingGraph}");
        (code, output, error) = InProcessCli.Run("export", "--checkpoint", run, "--serving", Path.Combine(folder, "triton"), "--triton");
        Assert.AreEqual(0, code, error);
        tritonModel = Path.Combine(folder, "triton", "alexnet");
        StringAssert.Contains(output, $"triton model: {tritonModel} (config.pbtxt, labels.txt, 1/model.onnx)");
    }

    [ClassCleanup]
    public static void RemoveFolder() => Directory.Delete(folder, recursive: true);


    /// <summary>ML.NET's route over the classifier file: score and label of each photo, one row at a time.</summary>
    internal static Dictionary<string, Scored> MlNetScores(string model, string[] photos, CropMode mode)
    {
        var ml = new MLContext(seed: 1);
        var input = ml.Data.LoadFromEnumerable(photos.Distinct().Select(p => new PathRow { ImagePath = p }).ToArray());
        using var transformer = ml.Transforms.ClassifyImagesWithAlexNet(model, nameof(PathRow.ImagePath), new AlexNetOptions { CropMode = mode, BatchSize = 1 })
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"))
            .Fit(input);
        var rows = ml.Data.CreateEnumerable<Scored>(transformer.Transform(input), reuseRowObject: false).ToArray();
        return photos.Distinct().Zip(rows).ToDictionary(p => p.First, p => p.Second);
    }

    /// <summary>The standalone graph run by ONNX Runtime on one batch: the photos prepared as a Triton client must send them,
    /// at the resize size of the classifier <paramref name="model"/>.</summary>
    internal static (float[][] Scores, string[] Labels) StandaloneScores(string graph, string model, string[] photos)
    {
        var m = ModelFile.Open(model).Metadata;
        int length = m.InputChannels * m.ResizeSize * m.ResizeSize;
        var pixels = new float[photos.Length * length];
        for (int i = 0; i < photos.Length; i++) PaperPreparation.Load(photos[i], m.ResizeSize, m.InputChannels, pixels.AsSpan(i * length, length));
        using var session = new InferenceSession(graph);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("pixels",
            new DenseTensor<float>(pixels, [photos.Length, m.InputChannels, m.ResizeSize, m.ResizeSize]))]);
        var scores = results.Single(r => r.Name == "Score").AsTensor<float>();
        var labels = results.Single(r => r.Name == "PredictedLabel").AsTensor<string>();
        CollectionAssert.AreEqual(new[] { photos.Length, scores.Dimensions[1] }, scores.Dimensions.ToArray());
        return ([.. Enumerable.Range(0, photos.Length).Select(i => Enumerable.Range(0, scores.Dimensions[1]).Select(c => scores[i, c]).ToArray())],
            [.. Enumerable.Range(0, photos.Length).Select(i => labels[i])]);
    }

    // Batch 7 from the four photos: each at another place than in batch 4, so a row read from the wrong image shows.
    private static string[] Batch(int n) =>
        [.. new[] { "astronaut.png", "chelsea.png", "coffee.png", "rocket.jpg", "coffee.png", "chelsea.png", "astronaut.png" }.Take(n).Select(TestPhotos.Path)];

    [TestMethod]
    [DataRow(1)]
    [DataRow(7)]
    public void StandaloneGraphScoresEqualTheMlNetRoutesScoreWithinOneInAHundredThousand(int batch)
    {
        var photos = Batch(batch);
        var expected = MlNetScores(classifier, photos, CropMode.TenCrop);
        var (scores, _) = StandaloneScores(Path.Combine(tritonModel, "1", "model.onnx"), classifier, photos);
        // Not a trivial comparison: the untrained net's probabilities must spread well beyond the tolerance.
        Assert.IsGreaterThan(1e-3f, expected.Values.Max(r => r.Score.Max() - r.Score.Min()));
        for (int i = 0; i < batch; i++)
        {
            Assert.HasCount(Classes.Length, scores[i]);
            Assert.IsLessThanOrEqualTo(1e-5f, scores[i].Zip(expected[photos[i]].Score).Max(p => Math.Abs(p.First - p.Second)), $"image {i}: {Path.GetFileName(photos[i])}");
        }
    }

    [TestMethod]
    public void StandaloneGraphLabelsAreTheMlNetRoutesPredictedLabels()
    {
        var photos = Batch(7);
        var expected = MlNetScores(classifier, photos, CropMode.TenCrop);
        var (_, labels) = StandaloneScores(servingGraph, classifier, photos);
        CollectionAssert.AreEqual(photos.Select(p => expected[p].PredictedLabel).ToArray(), labels);
    }

    [TestMethod]
    public void TheTritonModelIsTheSameGraphAsServingOnnx() =>
        CollectionAssert.AreEqual(File.ReadAllBytes(servingGraph), File.ReadAllBytes(Path.Combine(tritonModel, "1", "model.onnx")));

    [TestMethod]
    public void StandaloneGraphPassesTheOfficialOnnxChecker()
    {
        SystemPython.Require("onnx", "python3-onnx");
        var (code, output, error) = SystemPython.Run(["-c",
            "import onnx,sys; m=onnx.load(sys.argv[1]); onnx.checker.check_model(m, full_check=True); " +
            "print(' '.join(f'{v.name}:' + ','.join(d.dim_param or str(d.dim_value) for d in v.type.tensor_type.shape.dim) for v in list(m.graph.input) + list(m.graph.output)))",
            Path.Combine(tritonModel, "1", "model.onnx")]);
        Assert.AreEqual(0, code, error);
        Assert.AreEqual("pixels:N,3,32,32 Score:N,3 PredictedLabel:N", output.Trim());
    }

    [TestMethod]
    public void LabelsFileIsTheCheckpointsClassesOneALine() =>
        Assert.AreEqual("astronaut\nchelsea\ncoffee\n", File.ReadAllText(Path.Combine(tritonModel, "labels.txt")));

    [TestMethod]
    public void ConfigEncodesAsTritonsModelConfig()
    {
        var decoded = Decode(File.ReadAllText(Path.Combine(tritonModel, "config.pbtxt")));
        StringAssert.StartsWith(decoded, "name: \"alexnet\"\nplatform: \"onnxruntime_onnx\"\nmax_batch_size: 32\n");
        StringAssert.Contains(decoded, "instance_group {\n  count: 1\n  kind: KIND_GPU\n}\ndynamic_batching {\n}\n");
        StringAssert.Contains(decoded, "  label_filename: \"labels.txt\"\n");
    }

    [TestMethod]
    [DataRow("label_filename", "label_file", DisplayName = "a misspelt field")]
    [DataRow("max_batch_size: 32", "max_batch_size: \"32\"", DisplayName = "a string for an integer")]
    [DataRow("kind: KIND_GPU", "kind: GPU", DisplayName = "an unknown enum value")]
    public void ProtocRefusesAConfigWithAFieldTritonsModelConfigLacks(string field, string broken)
    {
        var config = File.ReadAllText(Path.Combine(tritonModel, "config.pbtxt"));
        StringAssert.Contains(config, field);
        var (code, _, error) = Protoc("--encode", config.Replace(field, broken));
        Assert.AreNotEqual(0, code, "protoc accepted a config Triton would refuse");
        StringAssert.Contains(error, "Failed to parse input.");
    }

    [TestMethod]
    public void ConfigInputsAndOutputsHaveTheOnnxFilesNamesDimsAndTypes()
    {
        var decoded = Decode(File.ReadAllText(Path.Combine(tritonModel, "config.pbtxt")));
        Assert.IsGreaterThan(0, int.Parse(MaxBatchSize().Match(decoded).Groups[1].Value));
        using var session = new InferenceSession(Path.Combine(tritonModel, "1", "model.onnx"));
        var onnx = session.InputMetadata.Select(p => ("input", p.Key, p.Value))
            .Concat(session.OutputMetadata.Select(p => ("output", p.Key, p.Value)))
            .Select(t => $"{t.Item1} {t.Key} {TritonType(t.Value.ElementDataType)} [{string.Join(",", t.Value.Dimensions)}]").ToArray();
        // Triton adds the batch axis in front of dims (max_batch_size > 0); reshape, when given, is the backend's shape.
        var config = Tensor().Matches(decoded).Select(t =>
        {
            var dims = Dims().Matches(t.Groups["body"].Value).Select(d => d.Groups[1].Value).ToArray();
            var shape = t.Groups["body"].Value.Contains("reshape {") ? ReshapeDims().Matches(t.Groups["body"].Value).Select(d => d.Groups[1].Value).ToArray() : dims;
            return $"{t.Groups["kind"].Value} {Name().Match(t.Groups["body"].Value).Groups[1].Value} {DataType().Match(t.Groups["body"].Value).Groups[1].Value} [{string.Join(",", ["-1", .. shape])}]";
        }).ToArray();
        CollectionAssert.AreEqual(new[] { "input pixels TYPE_FP32 [-1,3,32,32]", "output Score TYPE_FP32 [-1,3]", "output PredictedLabel TYPE_STRING [-1]" }, onnx);
        CollectionAssert.AreEqual(onnx, config);
    }

    private static string TritonType(TensorElementType type) => type switch
    {
        TensorElementType.Float => "TYPE_FP32",
        TensorElementType.String => "TYPE_STRING",
        _ => type.ToString(),
    };

    [GeneratedRegex(@"^max_batch_size: (\d+)$", RegexOptions.Multiline)] private static partial Regex MaxBatchSize();
    [GeneratedRegex(@"^(?<kind>input|output) \{\n(?<body>(?:  .*\n)*)\}", RegexOptions.Multiline)] private static partial Regex Tensor();
    [GeneratedRegex(@"^  name: ""([^""]*)""$", RegexOptions.Multiline)] private static partial Regex Name();
    [GeneratedRegex(@"^  data_type: (\w+)$", RegexOptions.Multiline)] private static partial Regex DataType();
    [GeneratedRegex(@"^  dims: (-?\d+)$", RegexOptions.Multiline)] private static partial Regex Dims();
    [GeneratedRegex(@"^    shape: (-?\d+)$", RegexOptions.Multiline)] private static partial Regex ReshapeDims();

    /// <summary>config.pbtxt through <c>protoc --encode</c> (it must parse) and back through <c>--decode</c>, in protoc's
    /// canonical layout.</summary>
    private static string Decode(string config)
    {
        var (code, binary, error) = Protoc("--encode", config);
        Assert.AreEqual(0, code, $"protoc --encode=inference.ModelConfig refused config.pbtxt: {error}");
        var (back, text, backError) = Protoc("--decode", binary);
        Assert.AreEqual(0, back, backError);
        return text;
    }

    /// <summary>Runs Debian's protoc against our subset of Triton's model_config.proto; stdin and stdout as Latin-1, so
    /// the binary encoding passes through unchanged.</summary>
    private static (int Code, string Output, string Error) Protoc(string mode, string input)
    {
        const string protoc = "/usr/bin/protoc";
        if (!File.Exists(protoc)) Assert.Inconclusive($"{protoc} is missing; install Debian's protobuf-compiler (apt-get install -y protobuf-compiler).");
        var start = new ProcessStartInfo(protoc)
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
            StandardInputEncoding = System.Text.Encoding.Latin1, StandardOutputEncoding = System.Text.Encoding.Latin1,
        };
        foreach (var a in new[] { $"{mode}=inference.ModelConfig", "-I", Path.Combine(AppContext.BaseDirectory, "Triton"), "model_config.proto" })
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.StandardInput.Write(input);
        process.StandardInput.Close();
        process.WaitForExit();
        return (process.ExitCode, output.Result, error.Result);
    }
}
