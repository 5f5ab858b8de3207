namespace AlexNet.Bench.Harness;

/// <summary>
/// Runs cases interleaved: every round measures each case once, in turn, so a change in the machine's load falls on
/// ours and the peers alike. The first rounds are warm-up and are not kept.
/// </summary>
public static class Rounds
{
    /// <summary>Measures every case <paramref name="runs"/> times after <paramref name="warmup"/> discarded rounds.</summary>
    /// <param name="cases">Ours and the peers.</param>
    /// <param name="warmup">Rounds thrown away.</param>
    /// <param name="runs">Rounds kept.</param>
    /// <param name="minSeconds">Shortest single run.</param>
    /// <param name="log">Progress lines.</param>
    public static List<Result> Run(IReadOnlyList<BenchCase> cases, int warmup, int runs, double minSeconds, TextWriter log)
    {
        var rates = cases.ToDictionary(c => c.Key, _ => new List<double>());
        for (int round = 0; round < warmup + runs; round++)
        {
            foreach (var c in cases)
            {
                double rate = c.Measure(minSeconds);
                if (round >= warmup) rates[c.Key].Add(rate);
                log.WriteLine($"  round {round + 1}/{warmup + runs}{(round < warmup ? " (warm-up)" : "")} {c.Key,-16} {rate,10:F2} {c.Unit}");
            }
        }
        return cases.Select(c => new Result(c.Key, c.Description, c.Unit, c.CropsPerImage, rates[c.Key].ToArray())).ToList();
    }
}
