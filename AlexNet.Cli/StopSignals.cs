using System.Runtime.InteropServices;

namespace AlexNet.Cli;

/// <summary>
/// While alive, Ctrl-C and SIGTERM cancel <see cref="Token"/> instead of ending the process: a training run (train, or a
/// study's arm) finishes its step, writes a checkpoint and returns, and the same command continues it later.
/// </summary>
internal sealed class StopSignals : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly ConsoleCancelEventHandler _onCancel;
    private readonly PosixSignalRegistration _sigterm;

    /// <summary>Cancelled by the first Ctrl-C or SIGTERM.</summary>
    public CancellationToken Token => _stop.Token;

    /// <summary>Takes Ctrl-C and SIGTERM over until disposed.</summary>
    public StopSignals()
    {
        _onCancel = (_, e) =>
        {
            e.Cancel = true; // finish the step, save, exit 0
            Stop("Ctrl-C");
        };
        Console.CancelKeyPress += _onCancel;
        _sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx =>
        {
            ctx.Cancel = true;
            Stop("SIGTERM");
        });
    }

    private void Stop(string signal)
    {
        _stop.Cancel();
        Console.Error.WriteLine($"\n{signal}: saving a checkpoint after this step…");
    }

    /// <summary>Gives Ctrl-C and SIGTERM back to .NET's defaults.</summary>
    public void Dispose()
    {
        Console.CancelKeyPress -= _onCancel;
        _sigterm.Dispose();
        _stop.Dispose();
    }
}
