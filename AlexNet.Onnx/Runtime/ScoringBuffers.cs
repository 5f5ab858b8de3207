using Microsoft.ML.OnnxRuntime;

namespace AlexNet.Onnx.Runtime;

/// <summary>
/// Input and output arrays for one batch size with ONNX Runtime values wrapped around them and bound
/// once, so a run allocates nothing. One thread uses a set at a time; the scorer pools them.
/// </summary>
internal sealed class ScoringBuffers : IDisposable
{
    public int BatchSize { get; }
    public float[] Input { get; }
    public float[] Logits { get; }
    public float[] Probabilities { get; }
    public float[]? Features { get; }
    public OrtIoBinding Binding { get; }
    public RunOptions RunOptions { get; } = new();

    private readonly List<OrtValue> _values = [];

    public ScoringBuffers(InferenceSession session, ModelFile model, int batchSize)
    {
        BatchSize = batchSize;
        Input = new float[batchSize * model.CropLength];
        Logits = new float[batchSize * model.NumClasses];
        Probabilities = new float[batchSize * model.NumClasses];
        Features = model.FeaturesName is null ? null : new float[batchSize * model.FeatureSize];

        Binding = session.CreateIoBinding();
        Binding.BindInput(model.InputName, Wrap(Input, batchSize, model.InputChannels, model.InputSize, model.InputSize));
        Binding.BindOutput(model.LogitsName, Wrap(Logits, batchSize, model.NumClasses));
        if (model.ProbabilitiesName is not null)
            Binding.BindOutput(model.ProbabilitiesName, Wrap(Probabilities, batchSize, model.NumClasses));
        if (model.FeaturesName is not null)
            Binding.BindOutput(model.FeaturesName, Wrap(Features!, batchSize, model.FeatureSize));
    }

    private OrtValue Wrap(float[] data, params long[] shape)
    {
        var value = OrtValue.CreateTensorValueFromMemory(data, shape);
        _values.Add(value);
        return value;
    }

    public void Dispose()
    {
        Binding.Dispose();
        RunOptions.Dispose();
        foreach (var v in _values) v.Dispose();
    }
}
