using System.Runtime.InteropServices;

namespace AlexNet.MLNet.Tests.Support;

/// <summary>
/// Counts the times a file is opened while an action runs, with Linux's inotify (IN_OPEN): the kernel queues one event
/// per open as it happens, so the count read after the action is exact, whatever the threads did. Closes are watched
/// too because inotify merges identical events in a row: open, close, open, close stay four.
/// </summary>
internal static class FileOpens
{
    private const int InNonBlock = 0x800;
    private const uint InOpen = 0x20, InCloseNoWrite = 0x10;

    public static int During(string path, Action action)
    {
        int fd = InotifyInit1(InNonBlock);
        if (fd < 0) throw new InvalidOperationException($"inotify_init1 failed: errno {Marshal.GetLastPInvokeError()}");
        try
        {
            if (InotifyAddWatch(fd, path, InOpen | InCloseNoWrite) < 0) throw new InvalidOperationException($"inotify_add_watch({path}) failed: errno {Marshal.GetLastPInvokeError()}");
            action();
            int opens = 0;
            var buffer = new byte[64 * 1024];
            while (true)
            {
                nint read = Read(fd, buffer, buffer.Length);
                if (read <= 0) return opens; // EAGAIN: nothing more queued
                // struct inotify_event { int wd; uint32_t mask; uint32_t cookie; uint32_t len; char name[len]; }
                for (int at = 0; at < read; at += 16 + BitConverter.ToInt32(buffer, at + 12))
                    if ((BitConverter.ToUInt32(buffer, at + 4) & InOpen) != 0) opens++;
            }
        }
        finally { Close(fd); }
    }

    [DllImport("libc", EntryPoint = "inotify_init1", SetLastError = true)]
    private static extern int InotifyInit1(int flags);

    [DllImport("libc", EntryPoint = "inotify_add_watch", SetLastError = true)]
    private static extern int InotifyAddWatch(int fd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint mask);

    [DllImport("libc", EntryPoint = "read", SetLastError = true)]
    private static extern nint Read(int fd, byte[] buffer, nint count);

    [DllImport("libc", EntryPoint = "close")]
    private static extern int Close(int fd);
}
