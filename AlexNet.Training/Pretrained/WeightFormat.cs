namespace AlexNet.Training.Pretrained;

/// <summary>The kinds of weight file <see cref="WeightFile.Read"/> knows, told apart by their first bytes.</summary>
public enum WeightFormat
{
    /// <summary>One of our training checkpoints (checkpoint.ckpt, magic "ALXNCKPT"): its model.* tensors.</summary>
    Checkpoint,
    /// <summary>A model.onnx written by our export: the merged initializers split back per tower. Batch norm was folded
    /// into the convs at export, so such a file carries no bn* tensors.</summary>
    Onnx,
    /// <summary>A PyTorch state dict from <c>torch.save(model.state_dict(), path)</c> in the zip format (the default since PyTorch 1.6).</summary>
    PyTorchZip,
    /// <summary>A PyTorch state dict in the legacy format (<c>_use_new_zipfile_serialization=False</c>, or PyTorch before 1.6).</summary>
    PyTorchLegacy,
    /// <summary>A .safetensors file: a JSON header and the raw tensors.</summary>
    Safetensors,
}

/// <summary>Words for the formats in messages and reports.</summary>
public static class WeightFormatText
{
    /// <summary>A short description, e.g. "PyTorch state dict (zip format)".</summary>
    /// <param name="format">The format.</param>
    public static string Describe(this WeightFormat format) => format switch
    {
        WeightFormat.Checkpoint => "AlexNet checkpoint",
        WeightFormat.Onnx => "model.onnx from our export",
        WeightFormat.PyTorchZip => "PyTorch state dict (zip format)",
        WeightFormat.PyTorchLegacy => "PyTorch state dict (legacy format)",
        WeightFormat.Safetensors => "safetensors",
        _ => format.ToString(),
    };
}
