using System.Text.Json;
using System.Text.Json.Serialization;
using AlexNet.Onnx.Model;
using AlexNet.Training.Model;

namespace AlexNet.Training.Training;

/// <summary>
/// Reads the options stored in a checkpoint. Checkpoints written before the options were split into sections hold one
/// flat object (Preset, BatchSize, CosineEpochs, …); they are mapped onto the sections here, so a long run started by
/// an earlier version still resumes with the settings it was started with.
/// </summary>
internal sealed class StoredTrainOptions : JsonConverter<TrainOptions>
{
    public override TrainOptions Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        var root = document.RootElement;
        return root.TryGetProperty("Preset", out _) ? FromFlat(root)
            : root.Deserialize<TrainOptions>(options) ?? throw new JsonException("The checkpoint's options are null.");
    }

    public override void Write(Utf8JsonWriter writer, TrainOptions value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, value, options);

    private static TrainOptions FromFlat(JsonElement o)
    {
        var d = new TrainOptions();
        T Get<T>(string name, T fallback) =>
            o.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v.Deserialize<T>(Json)! : fallback;
        int[] steps = Get<int[]>("LearningRateSteps", []);
        int? cosine = Get<int?>("CosineEpochs", null);
        LearningRateSchedule schedule = cosine is { } t ? new LearningRateSchedule.Cosine(t)
            : steps.Length > 0 ? new LearningRateSchedule.Steps(steps)
            : new LearningRateSchedule.Plateau(Get("Patience", 2), Get("MaxLearningRateDrops", 3));
        return new TrainOptions
        {
            Seed = Get("Seed", d.Seed),
            Data = new DataOptions
            {
                Path = Get("Data", d.Data.Path), TrainLimit = Get<int?>("TrainLimit", null), ValLimit = Get<int?>("ValLimit", null),
            },
            Architecture = new ArchitectureOptions
            {
                Preset = Get("Preset", d.Architecture.Preset), CropSize = Get<int?>("CropSize", null), ResizeSize = Get<int?>("ResizeSize", null),
                CropPadding = Get<int?>("CropPadding", null), Activation = Get("Activation", d.Architecture.Activation), Lrn = Get("Lrn", d.Architecture.Lrn),
                LrnAlpha = Get("LrnAlpha", d.Architecture.LrnAlpha), BatchNorm = Get("BatchNorm", d.Architecture.BatchNorm),
                OverlappingPooling = Get("OverlappingPooling", d.Architecture.OverlappingPooling), OneTower = Get("OneTower", d.Architecture.OneTower),
                Width = Get("Width", d.Architecture.Width), Dropout = Get("Dropout", d.Architecture.Dropout), PixelScale = Get<double?>("PixelScale", null),
            },
            Optimisation = new OptimisationOptions
            {
                BatchSize = Get("BatchSize", d.Optimisation.BatchSize), LearningRate = Get("LearningRate", d.Optimisation.LearningRate),
                Momentum = Get("Momentum", d.Optimisation.Momentum), WeightDecay = Get("WeightDecay", d.Optimisation.WeightDecay),
                LabelSmoothing = Get("LabelSmoothing", d.Optimisation.LabelSmoothing), Init = Get("Init", d.Optimisation.Init),
            },
            // The flat options held the epochs the run was last started or resumed with.
            Schedule = new ScheduleOptions { Epochs = Get<int?>("Epochs", null), LearningRate = schedule },
            Augmentation = new AugmentationOptions
            {
                RandomCrops = Get("Augment", d.Augmentation.RandomCrops), PcaLighting = Get("PcaLighting", d.Augmentation.PcaLighting),
                RandomErasing = Get("RandomErasing", d.Augmentation.RandomErasing),
            },
            Runtime = new RuntimeOptions { RunDir = Get("RunDir", d.Runtime.RunDir) },
        };
    }

    private static readonly JsonSerializerOptions Json = new()
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };
}
