namespace AlexNet.Training.Diagnostics;

/// <summary>Which library stack a requirement concerns.</summary>
public enum Stack
{
    /// <summary>TorchSharp: training, evaluation, export.</summary>
    TorchSharp,
    /// <summary>ONNX Runtime: AlexNet.Onnx and AlexNet.MLNet serving.</summary>
    OnnxRuntime,
}

/// <summary>Something the user needs to work, e.g. CUDA device 0 for ONNX Runtime.</summary>
/// <param name="Stack">The stack.</param>
/// <param name="CudaDevice">The CUDA device id; -1 for any CUDA device; null for the CPU.</param>
public sealed record Requirement(Stack Stack, int? CudaDevice)
{
    /// <summary>The device as written on the command line: cpu, cuda or cuda:N.</summary>
    public string Device => CudaDevice switch { null => "cpu", -1 => "cuda", var n => $"cuda:{n}" };

    /// <summary>
    /// Parses a comma-separated list of <c>cpu</c>, <c>cuda</c> and <c>cuda:N</c>, each optionally prefixed with
    /// <c>torch:</c> or <c>onnx:</c>; without a prefix an item is required of both stacks.
    /// </summary>
    /// <param name="text">e.g. "cuda:0" or "torch:cpu,onnx:cuda".</param>
    /// <exception cref="FormatException">An item is not one of those forms.</exception>
    public static IReadOnlyList<Requirement> ParseList(string text)
    {
        var list = new List<Requirement>();
        foreach (var raw in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var item = raw.ToLowerInvariant();
            Stack[] stacks = [Stack.TorchSharp, Stack.OnnxRuntime];
            if (item.StartsWith("torch:", StringComparison.Ordinal)) { stacks = [Stack.TorchSharp]; item = item[6..]; }
            else if (item.StartsWith("onnx:", StringComparison.Ordinal)) { stacks = [Stack.OnnxRuntime]; item = item[5..]; }
            int? device = item switch
            {
                "cpu" => null,
                "cuda" or "gpu" => -1,
                _ when item.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(item[5..], out var n) && n >= 0 => n,
                _ => throw new FormatException($"--require '{raw}': use cpu, cuda or cuda:N, optionally prefixed with torch: or onnx:."),
            };
            list.AddRange(stacks.Select(s => new Requirement(s, device)));
        }
        if (list.Count == 0) throw new FormatException("--require needs at least one of cpu, cuda, cuda:N.");
        return list.Distinct().ToList();
    }
}
