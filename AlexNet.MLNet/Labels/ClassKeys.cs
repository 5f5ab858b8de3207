using Microsoft.ML;

namespace AlexNet.MLNet.Labels;

/// <summary>The model's labels as a one-column data view, the key data of <c>MapValueToKey</c>: key k is label k − 1.</summary>
internal static class ClassKeys
{
    public static IDataView DataView(IReadOnlyList<string> labels) =>
        new MLContext().Data.LoadFromEnumerable(labels.Select(l => new ClassName { Value = l }));

    private sealed class ClassName
    {
        public string Value { get; set; } = "";
    }
}
