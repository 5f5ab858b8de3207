using System.Runtime.InteropServices;

namespace AlexNet.Cli;

/// <summary>
/// Makes sure SIGINT and SIGTERM reach the CLI's handlers, whatever the parent left behind. A child process inherits
/// its parent's blocked-signal mask and its ignored signals: a launcher thread that blocks SIGINT/SIGTERM (a signal
/// mask survives fork and exec) leaves both pending forever, and .NET deliberately keeps an inherited SIG_IGN, so in
/// either case Ctrl-C or <c>kill</c> did nothing and a run that should have saved and stopped went on to its end.
/// Call first in Main, before anything touches Console or Process (they install .NET's handlers).
/// </summary>
internal static class TerminationSignals
{
    private const int SigInt = 2;
    private const int SigTerm = 15;
    private const int SigUnblock = 1;
    private static readonly IntPtr SigDfl = IntPtr.Zero;
    private static readonly IntPtr SigIgn = new(1);
    private static readonly (int Number, string Name)[] Handled = [(SigInt, "SIGINT"), (SigTerm, "SIGTERM")];

    /// <summary>What <see cref="Ensure"/> found and changed, for tests and diagnostics.</summary>
    internal static string Changes { get; private set; } = "";

    /// <summary>Unblocks SIGINT and SIGTERM for this thread and puts an inherited "ignore" back to the default.</summary>
    /// <remarks>
    /// The main thread is enough: the kernel hands a process-wide signal to any thread that does not block it, and
    /// .NET's handler only writes the signal to a pipe read by its own thread. Linux only; elsewhere it does nothing.
    /// </remarks>
    internal static void Ensure()
    {
        if (!OperatingSystem.IsLinux()) return;
        var changes = new List<string>();
        var set = new byte[128]; // glibc's sigset_t: 1024 bits
        var old = new byte[128];
        if (sigemptyset(set) == 0 && sigaddset(set, SigInt) == 0 && sigaddset(set, SigTerm) == 0 &&
            sigprocmask(SigUnblock, set, old) == 0)
        {
            foreach (var (signal, name) in Handled)
                if (sigismember(old, signal) == 1) changes.Add($"{name} was blocked");
        }
        // sigaction's first field is the handler on every glibc Linux ABI .NET runs on (x64, arm64).
        var action = new byte[256];
        foreach (var (signal, name) in Handled)
        {
            if (sigaction(signal, IntPtr.Zero, action) != 0) continue;
            if (BitConverter.ToInt64(action, 0) == SigIgn.ToInt64() && signal_(signal, SigDfl) != new IntPtr(-1))
                changes.Add($"{name} was ignored");
        }
        Changes = string.Join(", ", changes);
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int sigemptyset(byte[] set);

    [DllImport("libc", SetLastError = true)]
    private static extern int sigaddset(byte[] set, int signal);

    [DllImport("libc")]
    private static extern int sigismember(byte[] set, int signal);

    [DllImport("libc", SetLastError = true)]
    private static extern int sigprocmask(int how, byte[] set, byte[] oldSet);

    [DllImport("libc", SetLastError = true)]
    private static extern int sigaction(int signal, IntPtr action, byte[] oldAction);

    [DllImport("libc", EntryPoint = "signal", SetLastError = true)]
    private static extern IntPtr signal_(int signal, IntPtr handler);
}
