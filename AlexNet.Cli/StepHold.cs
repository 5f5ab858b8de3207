using System.Globalization;

namespace AlexNet.Cli;

/// <summary>
/// A pause before one training step, for tests. <c>ALEXNET_HOLD_BEFORE_STEP=STEP:PATH</c> makes <c>train</c> open PATH and
/// read it to its end just before step STEP (counted from 0 over the whole run, as the checkpoint counts steps; a
/// checkpoint due before that step is written by then). With PATH a FIFO (mkfifo), the test's open of the write end
/// returns once the run is there, and the run goes on when the test closes it. So a test can signal or kill a run at a
/// known step, or put a file in the way of its next checkpoint write, without racing the machine's speed
/// (tests/AlexNet.Reliability.Tests: InterruptTests, SigkillTests). Unset, nothing is held.
/// </summary>
internal static class StepHold
{
    /// <summary>The environment variable.</summary>
    public const string Variable = "ALEXNET_HOLD_BEFORE_STEP";

    /// <summary>The hold the environment asks for, as a <see cref="AlexNet.Training.Training.RuntimeOptions.BeforeStep"/>
    /// callback; null when the variable is unset.</summary>
    /// <exception cref="UsageException">The variable is not STEP:PATH.</exception>
    public static Action<long>? FromEnvironment()
    {
        var value = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrEmpty(value)) return null;
        int colon = value.IndexOf(':');
        if (colon < 0 || !long.TryParse(value[..colon], NumberStyles.None, CultureInfo.InvariantCulture, out long step) || colon == value.Length - 1)
            throw new UsageException($"{Variable} is '{value}'; it takes STEP:PATH (a test's hold before a training step), or leave it unset.");
        string path = value[(colon + 1)..];
        return done =>
        {
            if (done != step) return;
            using var pipe = File.OpenRead(path);
            pipe.CopyTo(Stream.Null);
        };
    }
}
