using AlexNet.Onnx.Model;
using AlexNet.Training.Model;
using static TorchSharp.torch;

namespace AlexNet.Training.Tests.Model;

[TestClass]
public sealed class LocalResponseNormTests
{
    // b_i = a_i / (k + α Σ_{j=i-n/2}^{i+n/2} a_j²)^β, j limited to the channels of a_i's own tower (section 3.3).
    private static float[] PaperFormula(float[] a, int towers, LrnSettings p)
    {
        int perTower = a.Length / towers, half = p.Size / 2;
        var b = new float[a.Length];
        for (int i = 0; i < a.Length; i++)
        {
            int t = i / perTower, lo = Math.Max(t * perTower, i - half), hi = Math.Min((t + 1) * perTower - 1, i + half);
            double sum = 0;
            for (int j = lo; j <= hi; j++) sum += (double)a[j] * a[j];
            b[i] = (float)(a[i] / Math.Pow(p.K + p.Alpha * sum, p.Beta));
        }
        return b;
    }

    [TestMethod]
    public void LrnEqualsThePapersFormulaInsideEachTowerIncludingTheBoundary()
    {
        var settings = new LrnSettings();
        // Large activations so the α term matters: 1e-4 · Σa² is comparable to k = 2.
        var a = Enumerable.Range(0, 12).Select(i => (float)(40 + 17 * i % 90)).ToArray();
        using var x = tensor(a, [1, 12, 1, 1]);
        using var y = new LocalResponseNorm(settings).Apply(x, towers: 2);
        var got = y.data<float>().ToArray();
        var expected = PaperFormula(a, 2, settings);
        for (int i = 0; i < 12; i++) Assert.AreEqual(expected[i], got[i], 1e-5, $"channel {i}");
        // Channel 5 ends tower 0: normalising across the boundary would give a different value.
        var crossing = PaperFormula(a, 1, settings);
        Assert.IsTrue(Math.Abs(crossing[5] - got[5]) > 1e-3, $"{crossing[5]} vs {got[5]}");
    }

    [TestMethod]
    public void OurLrnEqualsTorchSharpsBuiltInGivenAlphaTimesN()
    {
        var p = new LrnSettings();
        var ours = new LocalResponseNorm(p);
        using var builtIn = nn.LocalResponseNorm(p.Size, p.FrameworkAlpha, p.Beta, p.K);
        using var x = randn(2, 9, 3, 3) * 80;
        using var a = ours.Apply(x);
        using var b = builtIn.forward(x);
        double diff = (a - b).abs().max().item<float>();
        Assert.IsTrue(diff < 1e-5, $"max diff {diff}");
    }

    [TestMethod]
    public void OurLrnGradientEqualsTorchSharpsBuiltIn()
    {
        var p = new LrnSettings();
        var ours = new LocalResponseNorm(p);
        using var builtIn = nn.LocalResponseNorm(p.Size, p.FrameworkAlpha, p.Beta, p.K);
        using var x = (randn(2, 9, 3, 3) * 80).requires_grad_();
        using var weights = randn(2, 9, 3, 3);
        Tensor Gradient(Func<Tensor, Tensor> lrn)
        {
            x.grad?.zero_();
            using var loss = (lrn(x) * weights).sum();
            loss.backward();
            return x.grad!.clone();
        }
        using var g1 = Gradient(t => ours.Apply(t));
        using var g2 = Gradient(builtIn.forward);
        double diff = (g1 - g2).abs().max().item<float>(), scale = g2.abs().max().item<float>();
        Assert.IsTrue(scale > 0.1, $"gradient too small to compare: {scale}");
        Assert.IsTrue(diff < 1e-5 * scale, $"max diff {diff} against max {scale}");
    }

    [TestMethod]
    public void PaperAlphaIsFiveTimesSmallerThanTheFrameworkAlpha()
    {
        var lrn = new LrnSettings();
        Assert.AreEqual(1e-4, lrn.Alpha, 1e-12);
        Assert.AreEqual(5e-4, lrn.FrameworkAlpha, 1e-12);
        Assert.AreEqual(2.0, lrn.K);
        Assert.AreEqual(0.75, lrn.Beta);
    }

    [TestMethod]
    public void LrnSurvivesTheFinalizerThreadRunningBesideIt()
    {
        // With its constants passed as doubles, each call made temporary TorchSharp scalars that the finalizer could free
        // while libtorch read them: under this GC pressure pow failed with "INTERNAL ASSERT FAILED at Scalar.h" within
        // about 20,000 calls (a transfer-learning bench run died of it after five minutes).
        var lrn = new LocalResponseNorm(new LrnSettings());
        using var x = rand(4, 8, 3, 3) * 50;
        using var expected = lrn.Apply(x);
        using var stop = new CancellationTokenSource();
        var collector = new Thread(() => { while (!stop.IsCancellationRequested) { GC.Collect(); GC.WaitForPendingFinalizers(); } });
        collector.Start();
        try
        {
            for (int i = 0; i < 40_000; i++)
            {
                using var scope = NewDisposeScope();
                if (i % 10_000 == 0) Assert.IsTrue(lrn.Apply(x).allclose(expected), $"call {i}");
                else lrn.Apply(x);
            }
        }
        finally
        {
            stop.Cancel();
            collector.Join();
        }
    }
}
