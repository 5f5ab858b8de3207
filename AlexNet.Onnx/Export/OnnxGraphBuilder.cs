using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace AlexNet.Onnx.Export;

/// <summary>
/// Accumulates the nodes and initializers of one ONNX graph and hands out unique value names, so the
/// AlexNet writer reads as a list of layers rather than protobuf plumbing.
/// </summary>
internal sealed class OnnxGraphBuilder
{
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private int _nodeCount;

    public GraphProto Graph { get; }

    public OnnxGraphBuilder(string graphName) => Graph = new GraphProto { Name = graphName };

    /// <summary>A value name not used yet, derived from <paramref name="stem"/>.</summary>
    public string Fresh(string stem)
    {
        if (_names.Add(stem)) return stem;
        for (int i = 1; ; i++)
            if (_names.Add($"{stem}_{i}")) return $"{stem}_{i}";
    }

    /// <summary>Adds a float initializer (raw little-endian data) under a fixed name.</summary>
    public string Initializer(string name, int[] shape, ReadOnlySpan<float> data)
    {
        if (!_names.Add(name)) throw new InvalidOperationException($"Initializer name '{name}' is used twice.");
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        foreach (var d in shape) tensor.Dims.Add(d);
        tensor.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(data));
        Graph.Initializer.Add(tensor);
        return name;
    }

    /// <summary>Adds an int64 initializer (used for Split sizes).</summary>
    public string Int64Initializer(string stem, long[] values)
    {
        var name = Fresh(stem);
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.Add(values.Length);
        tensor.Int64Data.Add(values);
        Graph.Initializer.Add(tensor);
        return name;
    }

    /// <summary>Adds a node with one output named after <paramref name="outputStem"/> and returns that name.</summary>
    public string Node(string opType, string outputStem, IEnumerable<string> inputs, params AttributeProto[] attributes) =>
        Node(opType, inputs, [Fresh(outputStem)], attributes)[0];

    /// <summary>Adds a node with the given output names and returns them.</summary>
    public IReadOnlyList<string> Node(string opType, IEnumerable<string> inputs, IReadOnlyList<string> outputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = $"{opType}_{_nodeCount++}" };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
        return outputs;
    }

    /// <summary>Declares a float graph input or output; a null dimension is the symbolic <paramref name="dynamicDim"/>.</summary>
    public static ValueInfoProto FloatValue(string name, string dynamicDim, params int?[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
            shape.Dim.Add(d is int v ? new TensorShapeProto.Types.Dimension { DimValue = v }
                                     : new TensorShapeProto.Types.Dimension { DimParam = dynamicDim });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto
            {
                TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape },
            },
        };
    }

    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Float(string name, double value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = (float)value };

    public static AttributeProto Ints(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }
}
