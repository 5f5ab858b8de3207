using System.Runtime.InteropServices;
using AlexNet.Onnx;
using AlexNet.Onnx.Model;
using AlexNet.Training.Training;
using Onnx;

namespace AlexNet.Training.Pretrained;

/// <summary>
/// Reads the weights back out of a model.onnx our export wrote. The export merges the towers (each layer's kernels
/// concatenated along dim 0, tower 0 first: <c>MergedWeights.Of</c>) and names the initializers conv1.weight … fc8.bias
/// (<see cref="AlexNetWeights.ExpectedShapes"/>); the architecture in the file's metadata gives the tower count, so each
/// is cut back into towers.{t}.conv1.weight … towers.{t}.fc7.bias, fc8 staying whole. The LRN band-convolution constants
/// and other initializers are graph constants, not weights, and are left out. Batch norm was folded into the convs at
/// export, so the file has no bn* tensors: it cannot start a batch-norm model.
/// </summary>
internal static class OnnxWeights
{
    /// <summary>Reads the per-tower weights.</summary>
    /// <param name="path">The .onnx file.</param>
    /// <param name="tensors">Receives the weights under the model's names.</param>
    /// <returns>The head's classes in output order (the metadata's labels), or null when it names none.</returns>
    /// <exception cref="InvalidDataException">The file is not an ONNX model with our metadata, or its weights do not fit its architecture.</exception>
    public static IReadOnlyList<string>? Read(string path, Dictionary<string, StoredTensor> tensors)
    {
        ModelFile file;
        ModelProto proto;
        // ModelFile.Open parses the file and checks the weights' SHA-256 against the metadata, so a damaged file stops here.
        try { file = ModelFile.Open(path, null, out proto); }
        catch (ModelFileException e)
        {
            var problem = e.Message.StartsWith(e.FilePath + ": ", StringComparison.Ordinal) ? e.Message[(e.FilePath.Length + 2)..] : e.Message;
            throw new InvalidDataException($"not a model.onnx from our export: {problem}", e);
        }
        var arch = file.Metadata.Architecture
            ?? throw new InvalidDataException("an ONNX model without our architecture metadata, so its merged weights cannot be split into towers");
        var initializers = new Dictionary<string, TensorProto>(StringComparer.Ordinal);
        foreach (var t in proto.Graph.Initializer) initializers[t.Name] = t;

        foreach (var (name, shape) in AlexNetWeights.ExpectedShapes(arch))
        {
            if (!initializers.TryGetValue(name, out var t))
                throw new InvalidDataException($"the graph has no initializer '{name}', which its architecture ({arch.Preset}) needs");
            long[] dims = [.. t.Dims];
            if (!dims.SequenceEqual(shape.Select(d => (long)d)))
                throw new InvalidDataException($"initializer '{name}' is [{string.Join(", ", dims)}], its architecture needs [{string.Join(", ", shape)}]");
            var data = Floats(t, name);
            if (data.Length != shape.Aggregate(1L, (a, d) => a * d))
                throw new InvalidDataException($"initializer '{name}' holds {data.Length} values for shape [{string.Join(", ", shape)}]");
            if (name.StartsWith("fc8.", StringComparison.Ordinal))
            {
                tensors[name] = new StoredTensor(dims, data);
                continue;
            }
            // Tower t owns rows [t·n, (t+1)·n) of dim 0, as MergedWeights concatenated them.
            long rows = dims[0] / arch.Towers, rowLength = data.Length / dims[0];
            for (int tower = 0; tower < arch.Towers; tower++)
                tensors[$"towers.{tower}.{name}"] = new StoredTensor([rows, .. dims[1..]],
                    data.AsSpan((int)(tower * rows * rowLength), (int)(rows * rowLength)).ToArray());
        }
        return file.Labels.Count > 0 ? file.Labels : null;
    }

    private static float[] Floats(TensorProto t, string name)
    {
        if (t.DataType != (int)TensorProto.Types.DataType.Float)
            throw new InvalidDataException($"initializer '{name}' has element type {(TensorProto.Types.DataType)t.DataType}; our export writes float");
        if (t.RawData.Length > 0)
        {
            if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("ONNX raw data is little-endian; this machine is not.");
            return MemoryMarshal.Cast<byte, float>(t.RawData.Span).ToArray();
        }
        return [.. t.FloatData];
    }
}
