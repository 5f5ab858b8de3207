using System.Diagnostics;

namespace AlexNet.Training.Training;

/// <summary>A one-line progress bar with loss, error, images/s and ETA; on a redirected stream it prints a line every 10%.</summary>
/// <param name="log">Where to write; null is silent.</param>
/// <param name="label">Prefix, e.g. "epoch 3/10".</param>
/// <param name="total">Batches in the epoch.</param>
/// <param name="batchSize">Images per batch.</param>
public sealed class ProgressBar(TextWriter? log, string label, int total, int batchSize)
{
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly bool live = log == Console.Error && !Console.IsErrorRedirected;
    private int first = -1, lastDecile = -1;
    private TimeSpan lastDraw;

    /// <summary>Reports progress after a batch.</summary>
    /// <param name="done">Batches done in the epoch.</param>
    /// <param name="loss">Running mean loss.</param>
    /// <param name="error">Running top-1 training error.</param>
    public void Report(int done, double loss, double error)
    {
        if (log == null) return;
        if (first < 0) first = done - 1;
        int decile = done * 10 / total;
        if (live ? clock.Elapsed - lastDraw < TimeSpan.FromMilliseconds(250) && done < total : decile == lastDecile) return;
        lastDraw = clock.Elapsed;
        lastDecile = decile;
        double rate = (done - first) * batchSize / Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
        var eta = TimeSpan.FromSeconds((total - done) * batchSize / Math.Max(rate, 1e-9));
        int width = 24, filled = done * width / total;
        var line = $"{label} [{new string('#', filled)}{new string('.', width - filled)}] {done}/{total} loss {loss:F4} err {error:P1} {rate:F0} img/s ETA {eta:hh\\:mm\\:ss}";
        if (live) log.Write("\r" + line); else log.WriteLine(line);
    }

    /// <summary>Ends the live line.</summary>
    public void Finish()
    {
        if (live) log!.WriteLine();
    }
}
