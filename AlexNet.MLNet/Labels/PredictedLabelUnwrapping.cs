using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace AlexNet.MLNet.Labels;

/// <summary>
/// Turns the serving graph's label output (ML.NET reads every ONNX tensor as a vector, here of length 1) into a
/// scalar text column. A custom mapping with a contract name saves by name; ML.NET (since 1.5) also saves this
/// assembly's name and registers it on load, so a saved pipeline reloads with no extra call.
/// </summary>
[CustomMappingFactoryAttribute(ContractName)]
public sealed class PredictedLabelUnwrapping : CustomMappingFactory<PredictedLabelUnwrapping.LabelVector, PredictedLabelUnwrapping.Label>
{
    /// <summary>Name under which the mapping is saved.</summary>
    public const string ContractName = "AlexNet.MLNet.PredictedLabelUnwrapping";

    /// <summary>Input row: the graph's one-element label vector.</summary>
    public sealed class LabelVector
    {
        /// <summary>The label, as the only element.</summary>
        [ColumnName(AlexNetColumns.PredictedLabelVector), VectorType(1)]
        public string[] Labels { get; set; } = [];
    }

    /// <summary>Output row: the label.</summary>
    public sealed class Label
    {
        /// <summary>The label text.</summary>
        [ColumnName(AlexNetColumns.PredictedLabel)]
        public string PredictedLabel { get; set; } = "";
    }

    /// <summary>The mapping: the vector's single element.</summary>
    /// <param name="input">The one-element vector.</param>
    /// <param name="output">Receives the label.</param>
    public static void Map(LabelVector input, Label output) =>
        output.PredictedLabel = input.Labels is [var label] ? label : "";

    /// <summary>Returns <see cref="Map"/>.</summary>
    public override Action<LabelVector, Label> GetMapping() => Map;
}
