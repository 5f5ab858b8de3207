namespace AlexNet.MLNet.Tests.Evaluation;

/// <summary>
/// Multiclass metrics counted by hand from the scores, as ML.NET defines them: micro accuracy is the share of rows
/// whose highest score (first on ties) is the true class; macro accuracy the mean of the per-class accuracies over
/// the classes that occur; log-loss the mean of −ln p(true class), p clamped to at least 1e-15.
/// </summary>
internal sealed record HandMetrics(double MicroAccuracy, double MacroAccuracy, double LogLoss)
{
    public static HandMetrics Of(IReadOnlyList<float[]> scores, IReadOnlyList<int> truth)
    {
        int n = truth.Count;
        var right = new Dictionary<int, (int Right, int All)>();
        int correct = 0;
        double loss = 0;
        for (int i = 0; i < n; i++)
        {
            var s = scores[i];
            int best = 0;
            for (int k = 1; k < s.Length; k++) if (s[k] > s[best]) best = k;
            bool hit = best == truth[i];
            if (hit) correct++;
            var (r, a) = right.GetValueOrDefault(truth[i]);
            right[truth[i]] = (r + (hit ? 1 : 0), a + 1);
            loss += -Math.Log(Math.Min(1, Math.Max(1e-15, s[truth[i]])));
        }
        return new HandMetrics((double)correct / n, right.Values.Average(v => (double)v.Right / v.All), loss / n);
    }
}
