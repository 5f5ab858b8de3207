namespace AlexNet.Training.Pretrained;

/// <summary>A tensor name with the reason it was treated as it was (kept fresh, left unused, skipped).</summary>
/// <param name="Name">The tensor's name: the model's for tensors of the model, the file's for tensors of the file.</param>
/// <param name="Reason">Why, in words.</param>
public sealed record PretrainedNote(string Name, string Reason)
{
    /// <summary>"name: reason".</summary>
    public override string ToString() => $"{Name}: {Reason}";
}
