namespace AlexNet.Training.Data;

/// <summary>
/// Eigen-decomposition of a small symmetric matrix by cyclic Jacobi rotations — used on the 3×3 RGB covariance
/// for the paper's PCA colour augmentation (section 4.1). Exact to rounding for such sizes.
/// </summary>
public static class JacobiEigenSolver
{
    /// <summary>Eigenvalues (descending) and unit eigenvectors (as columns, in the same order) of a symmetric matrix.</summary>
    /// <param name="matrix">A symmetric n × n matrix; it is not modified.</param>
    /// <returns>Values[k] with its eigenvector in column k of Vectors; an eigenvector's sign is arbitrary.</returns>
    public static (double[] Values, double[,] Vectors) Solve(double[,] matrix)
    {
        int n = matrix.GetLength(0);
        if (matrix.GetLength(1) != n) throw new ArgumentException($"The matrix is {n}x{matrix.GetLength(1)}; it must be square.", nameof(matrix));
        var a = (double[,])matrix.Clone();
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
                if (Math.Abs(a[i, j] - a[j, i]) > 1e-9 * (1 + Math.Abs(a[i, j])))
                    throw new ArgumentException($"The matrix is not symmetric at ({i}, {j}): {a[i, j]} vs {a[j, i]}.", nameof(matrix));
        var v = new double[n, n];
        for (int i = 0; i < n; i++) v[i, i] = 1;

        for (int sweep = 0; sweep < 100; sweep++)
        {
            double off = 0;
            for (int p = 0; p < n; p++)
                for (int q = p + 1; q < n; q++) off += a[p, q] * a[p, q];
            if (off < 1e-30) break;
            for (int p = 0; p < n; p++)
                for (int q = p + 1; q < n; q++)
                {
                    if (a[p, q] == 0) continue;
                    // Rotation angle that zeroes a[p, q] (Golub & Van Loan, symmetric Schur decomposition).
                    double theta = (a[q, q] - a[p, p]) / (2 * a[p, q]);
                    double t = Math.Sign(theta == 0 ? 1 : theta) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
                    double c = 1 / Math.Sqrt(t * t + 1), s = t * c;
                    for (int k = 0; k < n; k++)
                    {
                        double akp = a[k, p], akq = a[k, q];
                        a[k, p] = c * akp - s * akq;
                        a[k, q] = s * akp + c * akq;
                    }
                    for (int k = 0; k < n; k++)
                    {
                        double apk = a[p, k], aqk = a[q, k];
                        a[p, k] = c * apk - s * aqk;
                        a[q, k] = s * apk + c * aqk;
                    }
                    for (int k = 0; k < n; k++)
                    {
                        double vkp = v[k, p], vkq = v[k, q];
                        v[k, p] = c * vkp - s * vkq;
                        v[k, q] = s * vkp + c * vkq;
                    }
                }
        }

        var order = Enumerable.Range(0, n).OrderByDescending(i => a[i, i]).ToArray();
        var values = order.Select(i => a[i, i]).ToArray();
        var vectors = new double[n, n];
        for (int k = 0; k < n; k++)
            for (int r = 0; r < n; r++) vectors[r, k] = v[r, order[k]];
        return (values, vectors);
    }
}
