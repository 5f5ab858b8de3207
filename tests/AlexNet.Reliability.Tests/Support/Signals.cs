using System.Runtime.InteropServices;

namespace AlexNet.Reliability.Tests.Support;

/// <summary>POSIX signals sent to child processes the tests started (Process.Kill only sends SIGKILL).</summary>
internal static class Signals
{
    public const int SigInt = 2;
    public const int SigKill = 9;
    public const int SigTerm = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    public static void Send(int pid, int signal)
    {
        if (Kill(pid, signal) != 0)
            throw new InvalidOperationException($"kill({pid}, {signal}) failed with errno {Marshal.GetLastPInvokeError()}.");
    }
}
