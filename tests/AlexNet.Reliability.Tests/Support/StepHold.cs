using System.Runtime.InteropServices;
using static AlexNet.Reliability.Tests.Support.Libc;

namespace AlexNet.Reliability.Tests.Support;

/// <summary>
/// Holds a training child just before one step: a FIFO named by <c>ALEXNET_HOLD_BEFORE_STEP</c> (AlexNet.Cli's StepHold),
/// which the child opens and reads to its end there. <see cref="AwaitArrival"/> opens the write end, which returns once the
/// child has opened the other: the child is then at that step, blocked, and stays there (its checkpoint, its step count,
/// the files in its run folder unchanged) until <see cref="Release"/> closes the write end. Nothing is ever written to the
/// pipe, so a child killed while held costs the test nothing.
/// </summary>
internal sealed class StepHold : IDisposable
{
    public const string Variable = "ALEXNET_HOLD_BEFORE_STEP";
    private readonly TempFolder _folder = new();
    private int _writeEnd = -1;

    /// <summary>A hold before step <paramref name="step"/>: after <paramref name="step"/> steps of the whole run are done.</summary>
    public StepHold(long step)
    {
        Step = step;
        Path = _folder.File("hold.fifo");
        if (MkFifo(Path, Convert.ToUInt32("600", 8)) != 0)
            throw new InvalidOperationException($"mkfifo({Path}) failed with errno {Marshal.GetLastPInvokeError()}.");
    }

    public long Step { get; }

    public string Path { get; }

    /// <summary>The variable's value for the child's environment.</summary>
    public string Value => $"{Step}:{Path}";

    /// <summary>Waits until the child is held (true), or <paramref name="patience"/> passes first (false).</summary>
    public bool AwaitArrival(TimeSpan patience)
    {
        var open = Task.Run(() => Open(Path, OWrOnly)); // blocks until the child opens the read end
        if (open.Wait(patience))
        {
            _writeEnd = open.Result >= 0 ? open.Result : throw new IOException($"open({Path}) failed with errno {Marshal.GetLastPInvokeError()}.");
            return true;
        }
        // The child never came: open a read end ourselves so the blocked open returns, then close both.
        int readEnd = Open(Path, ORdOnly | ONonBlock);
        if (open.Wait(patience) && open.Result >= 0) Close(open.Result);
        if (readEnd >= 0) Close(readEnd);
        return false;
    }

    /// <summary>Lets the child go on: it reads the end of the pipe.</summary>
    public void Release()
    {
        if (_writeEnd >= 0) Close(_writeEnd);
        _writeEnd = -1;
    }

    public void Dispose()
    {
        Release();
        _folder.Dispose();
    }
}
