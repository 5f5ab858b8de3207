using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace AlexNet.MLNet.Labels;

/// <summary>
/// Passes a text label on only when it names one of the model's classes, before <c>MapValueToKey</c> turns it into
/// the class key. <c>MapValueToKey</c> alone would make an unknown name a missing key, which
/// <c>MulticlassClassification.Evaluate</c> skips as unlabeled: the accuracy would silently leave those rows out.
/// The classes come in a column (the serving graph's constant list) because a custom mapping is saved by contract
/// name alone and so holds no state of its own. Saved by contract name, like <see cref="PredictedLabelUnwrapping"/>.
/// </summary>
[CustomMappingFactoryAttribute(ContractName)]
public sealed class LabelCheck : CustomMappingFactory<LabelCheck.LabelAndClasses, LabelCheck.CheckedLabel>
{
    /// <summary>Name under which the mapping is saved.</summary>
    public const string ContractName = "AlexNet.MLNet.LabelCheck";

    /// <summary>Input row: the label as text and the model's classes.</summary>
    public sealed class LabelAndClasses
    {
        /// <summary>The row's label; empty for an unlabeled row.</summary>
        [ColumnName(AlexNetColumns.Label)]
        public string Label { get; set; } = "";

        /// <summary>The model's class labels in score order.</summary>
        [ColumnName(AlexNetColumns.Classes), VectorType]
        public string[] Classes { get; set; } = [];
    }

    /// <summary>Output row: the same label, once it is known to be a class (or empty).</summary>
    public sealed class CheckedLabel
    {
        /// <summary>The label.</summary>
        [ColumnName(AlexNetColumns.CheckedLabel)]
        public string Label { get; set; } = "";
    }

    /// <summary>The check.</summary>
    /// <param name="input">The label and the classes.</param>
    /// <param name="output">Receives the label.</param>
    /// <exception cref="UnknownLabelException">The label is not empty and not one of the classes.</exception>
    public static void Check(LabelAndClasses input, CheckedLabel output)
    {
        if (input.Label.Length > 0 && Array.IndexOf(input.Classes, input.Label) < 0)
            throw new UnknownLabelException(input.Label, input.Classes);
        output.Label = input.Label;
    }

    /// <summary>Returns <see cref="Check"/>.</summary>
    public override Action<LabelAndClasses, CheckedLabel> GetMapping() => Check;
}
