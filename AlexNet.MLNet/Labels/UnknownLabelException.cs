namespace AlexNet.MLNet.Labels;

/// <summary>A row's label (<see cref="AlexNetOptions.LabelColumnName"/>) is not one of the model's classes.</summary>
public sealed class UnknownLabelException : Exception
{
    // A thousand ImageNet classes would bury the message; the rest are in AlexNetTransformer.Labels.
    private const int ListedClasses = 30;

    /// <summary>Creates the error.</summary>
    /// <param name="label">The label that was not found.</param>
    /// <param name="classes">The model's classes in score order.</param>
    public UnknownLabelException(string label, IReadOnlyList<string> classes)
        : base($"The label '{label}' is not one of the model's {classes.Count} classes: {List(classes)}. Give each row one of " +
               "these names (or an empty label for an unlabeled row), or leave the rows of other classes out before evaluating.")
    {
        Label = label;
        Classes = classes;
    }

    /// <summary>The label that was not found.</summary>
    public string Label { get; }
    /// <summary>The model's classes in score order.</summary>
    public IReadOnlyList<string> Classes { get; }

    private static string List(IReadOnlyList<string> classes) =>
        string.Join(", ", classes.Take(ListedClasses).Select(c => $"'{c}'")) +
        (classes.Count > ListedClasses ? $", … ({classes.Count - ListedClasses} more; AlexNetTransformer.Labels lists them all)" : "");
}
