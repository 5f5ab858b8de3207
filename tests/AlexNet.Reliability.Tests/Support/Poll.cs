using System.Diagnostics;

namespace AlexNet.Reliability.Tests.Support;

/// <summary>Waits for a condition by polling every millisecond (a signal handler's answer on a held run's stderr).</summary>
internal static class Poll
{
    public static bool Until(Func<bool> condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (condition()) return true;
            Thread.Sleep(1);
        }
        return condition();
    }
}
