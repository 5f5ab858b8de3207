using AlexNet.Onnx.Model;

namespace AlexNet.Training.Studies;

/// <summary>
/// How colour-specific RGB conv1 kernels are: for a kernel w (3 × k × k) with gray part ḡ = mean over channels,
/// the share of its energy off the gray axis, Σ(w − ḡ)² / Σw², from 0 (a gray, colour-agnostic kernel) to 1.
/// Kernels whose channels are independent noise score 2/3 on average, which is where an untrained layer sits.
/// </summary>
public static class KernelColourfulness
{
    /// <summary>Score of each kernel of one tower's conv1 weights [kernels, 3, k, k].</summary>
    /// <param name="weights">One tower's conv1 weights.</param>
    /// <exception cref="ArgumentException">Not 3-channel kernels.</exception>
    public static double[] PerKernel(WeightTensor weights)
    {
        var s = weights.Shape;
        if (s.Length != 4 || s[1] != 3)
            throw new ArgumentException($"Colourfulness needs RGB kernels [n, 3, k, k]; got [{string.Join(", ", s)}].", nameof(weights));
        int n = s[0], plane = s[2] * s[3];
        var scores = new double[n];
        for (int i = 0; i < n; i++)
        {
            var w = weights.Data.AsSpan(i * 3 * plane, 3 * plane);
            double off = 0, all = 0;
            for (int p = 0; p < plane; p++)
            {
                double r = w[p], g = w[plane + p], b = w[2 * plane + p], gray = (r + g + b) / 3;
                off += (r - gray) * (r - gray) + (g - gray) * (g - gray) + (b - gray) * (b - gray);
                all += r * r + g * g + b * b;
            }
            scores[i] = all > 0 ? off / all : 0;
        }
        return scores;
    }

    /// <summary>What training added to a tower's kernels: trained − initial weights, same shape.</summary>
    /// <param name="initial">Weights before training.</param>
    /// <param name="trained">Weights after training.</param>
    public static WeightTensor Change(WeightTensor initial, WeightTensor trained) =>
        new(trained.Shape, trained.Data.Zip(initial.Data, (a, b) => a - b).ToArray());

    /// <summary>Mean score over one tower's kernels.</summary>
    /// <param name="weights">One tower's conv1 weights [kernels, 3, k, k].</param>
    public static double Mean(WeightTensor weights) => PerKernel(weights).Average();
}
