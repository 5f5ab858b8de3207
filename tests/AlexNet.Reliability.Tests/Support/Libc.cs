using System.Runtime.InteropServices;

namespace AlexNet.Reliability.Tests.Support;

/// <summary>The few libc calls the named-pipe helpers (<see cref="Fifo"/>, <see cref="StepHold"/>) need: .NET has no mkfifo,
/// and a FileStream cannot open a pipe's end without blocking or with O_NONBLOCK.</summary>
internal static class Libc
{
    public const int EExist = 17, ORdOnly = 0, OWrOnly = 1, ONonBlock = 0x800;

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    public static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "close")]
    public static extern int Close(int fd);

    [DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
    public static extern int MkFifo([MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint mode);
}
