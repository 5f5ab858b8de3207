using System.Runtime.InteropServices;
using static AlexNet.Reliability.Tests.Support.Libc;

namespace AlexNet.Reliability.Tests.Support;

/// <summary>
/// A named pipe (mkfifo) in place of a file a child process is about to write: the child's open blocks until the test
/// reads, and its writes block once the pipe's 64 KiB are full and the test reads no more. So the child can be held,
/// deterministically, in the middle of writing that file.
/// </summary>
internal sealed class Fifo : IDisposable
{
    private readonly FileStream? _reader;

    public string Path { get; }

    private Fifo(string path, FileStream reader)
    {
        Path = path;
        _reader = reader;
    }

    /// <summary>Makes <paramref name="path"/> a FIFO; false when a file of that name already exists (the child got there first).</summary>
    public static bool TryCreate(string path)
    {
        if (MkFifo(path, Convert.ToUInt32("600", 8)) == 0) return true;
        int errno = Marshal.GetLastPInvokeError();
        return errno == EExist ? false : throw new InvalidOperationException($"mkfifo({path}) failed with errno {errno}.");
    }

    /// <summary>
    /// Waits until a writer has opened the FIFO and written at least <paramref name="bytes"/> bytes, reads them, and keeps
    /// the pipe open unread from then on. Null when no writer came within <paramref name="patience"/>.
    /// </summary>
    public static (Fifo Pipe, byte[] FirstBytes)? AwaitWriter(string path, int bytes, TimeSpan patience)
    {
        var open = Task.Run(() =>
        {
            // open(2) itself, not FileStream's path constructor: that one also takes a shared flock, which fails against the
            // writer's exclusive one (FileShare.None) and would end the test instead of the write.
            int fd = Open(path, ORdOnly);
            if (fd < 0) throw new IOException($"open({path}) failed with errno {Marshal.GetLastPInvokeError()}.");
            var reader = new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(fd, ownsHandle: true), FileAccess.Read, bufferSize: 1);
            var first = new byte[bytes];
            reader.ReadExactly(first);
            return (reader, first);
        });
        if (open.Wait(patience)) return (new Fifo(path, open.Result.reader), open.Result.first);
        // Nobody wrote: open and close the write end ourselves, so the blocked reader sees the end of the pipe and its task ends.
        int writeEnd = Open(path, OWrOnly | ONonBlock);
        if (writeEnd >= 0) Close(writeEnd);
        try { open.Wait(patience); } catch (AggregateException) { }
        return null;
    }

    public void Dispose() => _reader?.Dispose();
}
