using AlexNet.Bench.Harness;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Onnx;

namespace AlexNet.Bench.Compute;

/// <summary>Single-precision matrix product of two n×n matrices with an ONNX Runtime MatMul graph, in GFLOP/s.</summary>
public sealed class OrtSgemm : BenchCase
{
    private readonly InferenceSession _session;
    private readonly OrtValue _a, _b, _c;
    private readonly RunOptions _run = new();
    private readonly int _n;

    /// <summary>Builds a one-node graph C = A·B and binds random inputs.</summary>
    /// <param name="n">Side (2048).</param>
    public OrtSgemm(int n = 2048)
    {
        _n = n;
        var graph = new GraphProto { Name = "sgemm" };
        graph.Node.Add(new NodeProto { OpType = "MatMul", Input = { "A", "B" }, Output = { "C" } });
        graph.Input.Add(Matrix("A", n));
        graph.Input.Add(Matrix("B", n));
        graph.Output.Add(Matrix("C", n));
        var model = new ModelProto { IrVersion = 8, Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });
        _session = new InferenceSession(model.ToByteArray());
        var random = new Random(1);
        float[] Fill() => Enumerable.Range(0, n * n).Select(_ => random.NextSingle() - 0.5f).ToArray();
        _a = OrtValue.CreateTensorValueFromMemory(Fill(), [n, n]);
        _b = OrtValue.CreateTensorValueFromMemory(Fill(), [n, n]);
        _c = OrtValue.CreateTensorValueFromMemory(new float[n * n], [n, n]);
    }

    private static ValueInfoProto Matrix(string name, int n)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = n });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = n });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }

    /// <inheritdoc/>
    public override string Key => "sgemm.ort";
    /// <inheritdoc/>
    public override string Description => $"sgemm {_n}², ONNX Runtime MatMul";
    /// <inheritdoc/>
    public override string Unit => "GFLOP/s";

    /// <inheritdoc/>
    protected override double Step()
    {
        _session.Run(_run, ["A", "B"], [_a, _b], ["C"], [_c]);
        return 2.0 * _n * _n * _n / 1e9;
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        _session.Dispose();
        _a.Dispose(); _b.Dispose(); _c.Dispose();
        _run.Dispose();
        base.Dispose();
    }
}
