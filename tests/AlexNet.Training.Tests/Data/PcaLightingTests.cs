using AlexNet.Training.Data;

namespace AlexNet.Training.Tests.Data;

[TestClass]
public sealed class PcaLightingTests
{
    [TestMethod]
    public void JacobiRecoversTheEigenvaluesOfAKnownMatrix()
    {
        // [[2,1,0],[1,2,0],[0,0,5]] has eigenvalues 5, 3, 1 with eigenvectors e3, (1,1,0)/√2, (1,-1,0)/√2.
        var (values, vectors) = JacobiEigenSolver.Solve(new double[,] { { 2, 1, 0 }, { 1, 2, 0 }, { 0, 0, 5 } });
        Assert.AreEqual(5, values[0], 1e-12);
        Assert.AreEqual(3, values[1], 1e-12);
        Assert.AreEqual(1, values[2], 1e-12);
        Assert.AreEqual(1, Math.Abs(vectors[2, 0]), 1e-12);
        Assert.AreEqual(Math.Sqrt(0.5), Math.Abs(vectors[0, 1]), 1e-12);
        Assert.AreEqual(vectors[0, 2], -vectors[1, 2], 1e-12);
    }

    [TestMethod]
    public void DecomposingTheImageNetCovarianceGivesBackItsPublishedValues()
    {
        // Σ = P diag(λ) Pᵀ from the published ImageNet values; Jacobi must return λ and ±P.
        var net = PcaLighting.ImageNet;
        var cov = new double[3, 3];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                for (int k = 0; k < 3; k++) cov[i, j] += net.EigenVectors[i, k] * net.EigenValues[k] * net.EigenVectors[j, k];
        var fitted = PcaLighting.FromCovariance(cov);
        for (int k = 0; k < 3; k++)
        {
            Assert.AreEqual(net.EigenValues[k], fitted.EigenValues[k], 2e-4, $"λ{k + 1}");
            double dot = Enumerable.Range(0, 3).Sum(r => net.EigenVectors[r, k] * fitted.EigenVectors[r, k]);
            Assert.AreEqual(1, Math.Abs(dot), 1e-3, $"p{k + 1}");
        }
    }

    [TestMethod]
    public void ShiftAlongEachEigenvectorHasTheSpreadOfAlphaTimesLambda()
    {
        var net = PcaLighting.ImageNet;
        const int draws = 20000;
        var sums = new double[3];
        var squares = new double[3];
        for (int i = 0; i < draws; i++)
        {
            var random = SplitMix64.For(3, 1, i);
            var shift = net.DrawShift(ref random);
            for (int k = 0; k < 3; k++)
            {
                // Project back onto p_k: α_k λ_k · 255.
                double along = Enumerable.Range(0, 3).Sum(c => net.EigenVectors[c, k] * shift[c]) / (255.0 * net.EigenValues[k]);
                sums[k] += along;
                squares[k] += along * along;
            }
        }
        for (int k = 0; k < 3; k++)
        {
            double mean = sums[k] / draws, sd = Math.Sqrt(squares[k] / draws - mean * mean);
            Assert.AreEqual(0, mean, 0.003, $"mean of α{k + 1}");
            Assert.AreEqual(0.1, sd, 0.003, $"σ of α{k + 1}");
        }
    }

    [TestMethod]
    public void CovarianceOfTrainingPixelsIsMeasuredOnTheZeroToOneScale()
    {
        // Two one-pixel-colour images: (0,0,0) and (255,255,0). R and G vary together, B never.
        var black = new float[3 * 4 * 4];
        var yellow = Enumerable.Range(0, 48).Select(k => k < 32 ? 255f : 0f).ToArray();
        var dataset = new ArrayDataset(3, 4, [black, yellow], [0, 1]);
        var cov = PcaLighting.RgbCovariance(dataset);
        Assert.AreEqual(0.25, cov[0, 0], 1e-12);
        Assert.AreEqual(0.25, cov[0, 1], 1e-12);
        Assert.AreEqual(0.0, cov[2, 2], 1e-12);
        var pca = PcaLighting.FromCovariance(cov);
        Assert.AreEqual(0.5, pca.EigenValues[0], 1e-12);
        Assert.AreEqual(Math.Sqrt(0.5), Math.Abs(pca.EigenVectors[0, 0]), 1e-9);
        Assert.AreEqual(0.0, pca.EigenValues[1], 1e-12);
    }

    [TestMethod]
    public void ApplyAddsTheSameShiftToEveryPixelOfAChannel()
    {
        var image = new float[2 * 3 * 4]; // two 3-channel 2×2 crops laid end to end
        PcaLighting.Apply(image, 4, [1.5f, -2f, 0.25f]);
        CollectionAssert.AreEqual(new[] { 1.5f, 1.5f, 1.5f, 1.5f, -2f, -2f, -2f, -2f, 0.25f, 0.25f, 0.25f, 0.25f }, image[12..]);
        CollectionAssert.AreEqual(image[..12], image[12..]);
    }
}
