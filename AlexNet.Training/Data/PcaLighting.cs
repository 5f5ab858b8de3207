namespace AlexNet.Training.Data;

/// <summary>
/// The paper's colour augmentation (section 4.1): to every pixel of an image add
/// [p1 p2 p3][α1λ1 α2λ2 α3λ3]ᵀ, where p, λ are the eigenvectors and eigenvalues of the 3×3 covariance of the
/// training set's RGB values and α ~ N(0, 0.1) is drawn once per image each time it is used. λ and p are kept on
/// the 0–1 pixel scale, where the public ImageNet values live (λ = 0.2175, 0.0188, 0.0045); the shift is then
/// multiplied by 255 for the raw 0–255 pixels the network reads. (On the 0–255 scale λ would be 255² larger and
/// the shift absurd: the paper's formula multiplies α by λ, not by √λ, so the scale must be the 0–1 one.)
/// A no-op for 1-channel data.
/// </summary>
public sealed class PcaLighting
{
    /// <summary>Creates the augmentation from an eigen-decomposition.</summary>
    /// <param name="eigenValues">λ1 ≥ λ2 ≥ λ3, covariance of 0–1 RGB values.</param>
    /// <param name="eigenVectors">p1, p2, p3 as the columns of a 3×3 matrix (rows R, G, B).</param>
    /// <param name="alphaStd">Standard deviation of α (0.1 in the paper).</param>
    public PcaLighting(double[] eigenValues, double[,] eigenVectors, double alphaStd = 0.1)
    {
        if (eigenValues.Length != 3 || eigenVectors.GetLength(0) != 3 || eigenVectors.GetLength(1) != 3)
            throw new ArgumentException("PCA lighting needs 3 eigenvalues and a 3x3 eigenvector matrix (RGB).");
        EigenValues = eigenValues;
        EigenVectors = eigenVectors;
        AlphaStd = alphaStd;
    }

    /// <summary>λ on the 0–1 scale, descending.</summary>
    public double[] EigenValues { get; }

    /// <summary>Eigenvectors as columns; row 0 is R, 1 G, 2 B.</summary>
    public double[,] EigenVectors { get; }

    /// <summary>σ of α.</summary>
    public double AlphaStd { get; }

    /// <summary>The public ImageNet values (fb.resnet.torch), for RGB photos when the training set is too small to estimate them.</summary>
    public static PcaLighting ImageNet { get; } = new(
        [0.2175, 0.0188, 0.0045],
        new[,] { { -0.5675, 0.7192, 0.4009 }, { -0.5808, -0.0045, -0.8140 }, { -0.5836, -0.6948, 0.4203 } });

    /// <summary>Eigen-decomposes a 0–1 scale RGB covariance (Jacobi).</summary>
    /// <param name="covariance">3×3 symmetric covariance of R, G, B on the 0–1 scale.</param>
    /// <param name="alphaStd">σ of α.</param>
    public static PcaLighting FromCovariance(double[,] covariance, double alphaStd = 0.1)
    {
        var (values, vectors) = JacobiEigenSolver.Solve(covariance);
        return new PcaLighting(values, vectors, alphaStd);
    }

    /// <summary>Estimates the augmentation from the RGB pixels of (a sample of) a 3-channel training set.</summary>
    /// <param name="dataset">The training set.</param>
    /// <param name="indices">Its training images; all when null.</param>
    /// <param name="maxImages">Use at most this many images, evenly spaced through the indices.</param>
    /// <param name="alphaStd">σ of α.</param>
    /// <param name="maxDegreeOfParallelism">Threads; all cores when null.</param>
    public static PcaLighting Compute(IImageDataset dataset, IReadOnlyList<int>? indices = null, int maxImages = 2000,
        double alphaStd = 0.1, int? maxDegreeOfParallelism = null) =>
        FromCovariance(RgbCovariance(dataset, indices, maxImages, maxDegreeOfParallelism), alphaStd);

    /// <summary>
    /// The 3×3 covariance of R, G, B over every pixel of (a sample of) the images, on the 0–1 scale. Sums are
    /// kept as whole numbers (64-bit integers), so the result does not depend on threads.
    /// </summary>
    /// <param name="dataset">A 3-channel dataset.</param>
    /// <param name="indices">Images to use; all when null.</param>
    /// <param name="maxImages">Use at most this many images, evenly spaced.</param>
    /// <param name="maxDegreeOfParallelism">Threads; all cores when null.</param>
    public static double[,] RgbCovariance(IImageDataset dataset, IReadOnlyList<int>? indices = null, int maxImages = 2000, int? maxDegreeOfParallelism = null)
    {
        if (dataset.Channels != 3) throw new ArgumentException($"PCA lighting needs RGB images; this dataset has {dataset.Channels} channel(s).", nameof(dataset));
        int available = indices?.Count ?? dataset.Count;
        int used = Math.Min(available, maxImages);
        if (used == 0) throw new ArgumentException("No images to estimate the colour covariance from.", nameof(indices));
        int plane = dataset.Size * dataset.Size;
        var sums = new long[9]; // R, G, B, RR, RG, RB, GG, GB, BB
        var gate = new object();
        Parallel.For(0, used, new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism ?? -1 },
            () => (Sum: new long[9], Image: new float[3 * plane]),
            (k, _, local) =>
            {
                int position = (int)((long)k * available / used);
                dataset.ReadImage(indices?[position] ?? position, local.Image);
                var s = local.Sum;
                for (int p = 0; p < plane; p++)
                {
                    long r = (long)local.Image[p], g = (long)local.Image[plane + p], b = (long)local.Image[2 * plane + p];
                    s[0] += r; s[1] += g; s[2] += b;
                    s[3] += r * r; s[4] += r * g; s[5] += r * b; s[6] += g * g; s[7] += g * b; s[8] += b * b;
                }
                return local;
            },
            local =>
            {
                lock (gate)
                    for (int i = 0; i < 9; i++) sums[i] += local.Sum[i];
            });
        double n = (double)used * plane;
        double[] m = [sums[0] / n, sums[1] / n, sums[2] / n];
        double Cov(int sumIndex, int a, int b) => (sums[sumIndex] / n - m[a] * m[b]) / (255.0 * 255.0);
        double rr = Cov(3, 0, 0), rg = Cov(4, 0, 1), rb = Cov(5, 0, 2), gg = Cov(6, 1, 1), gb = Cov(7, 1, 2), bb = Cov(8, 2, 2);
        return new[,] { { rr, rg, rb }, { rg, gg, gb }, { rb, gb, bb } };
    }

    /// <summary>Draws α1, α2, α3 ~ N(0, σ) and returns the R, G, B shift on the 0–255 scale: 255 · Σj pj αj λj.</summary>
    /// <param name="random">The image's generator; three normals are drawn from it.</param>
    public float[] DrawShift(ref SplitMix64 random)
    {
        double a0 = random.NextGaussian() * AlphaStd * EigenValues[0];
        double a1 = random.NextGaussian() * AlphaStd * EigenValues[1];
        double a2 = random.NextGaussian() * AlphaStd * EigenValues[2];
        var shift = new float[3];
        for (int c = 0; c < 3; c++)
            shift[c] = (float)(255.0 * (EigenVectors[c, 0] * a0 + EigenVectors[c, 1] * a1 + EigenVectors[c, 2] * a2));
        return shift;
    }

    /// <summary>Adds a per-channel shift to every pixel of a planar 3-channel image (or crops laid end to end).</summary>
    /// <param name="image">3 × H × W values (repeated for several crops).</param>
    /// <param name="plane">H × W.</param>
    /// <param name="shift">R, G, B shift from <see cref="DrawShift"/>.</param>
    public static void Apply(Span<float> image, int plane, ReadOnlySpan<float> shift)
    {
        for (int start = 0; start < image.Length; start += 3 * plane)
            for (int c = 0; c < 3; c++)
            {
                var channel = image.Slice(start + c * plane, plane);
                float add = shift[c];
                for (int i = 0; i < channel.Length; i++) channel[i] += add;
            }
    }
}
