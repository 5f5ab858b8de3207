using System.Runtime.InteropServices;

namespace AlexNet.Training.Model;

/// <summary>
/// glibc told to keep the memory a training step frees, so the next step reuses it instead of faulting it in again.
/// By default glibc gives every block over 32 MiB (a <c>paper</c> step's activations and their gradients) a mapping of
/// its own and unmaps it on free: each step then page-faults its activations in afresh, and the kernel zeroes every
/// page. <c>mallopt(M_MMAP_MAX, 0)</c> serves large blocks from glibc's heap instead, where freed memory stays in the
/// process. The cost is memory that glibc keeps rather than returning to the system (measured in docs/BENCHMARKS.md,
/// "The allocator"). It is the <c>GLIBC_TUNABLES=glibc.malloc.mmap_max=0</c> setting, made from inside the process
/// because a tunable must be in the environment before the process starts, which a user's shell need not know.
/// <para>
/// The alexnet CLI calls <see cref="Keep"/> at start-up; the library never does on its own, because the allocator is
/// the whole process's and a host app (an ML.NET service that also trains) may not want its memory kept. Such an app
/// asks by calling <see cref="Keep"/> itself.
/// </para>
/// </summary>
public static class FreedMemory
{
    /// <summary>The environment variable that decides: 1 (or unset) keeps freed memory, 0 leaves glibc's defaults.</summary>
    public const string Variable = "ALEXNET_KEEP_FREED_MEMORY";

    /// <summary>A block this large is one glibc maps on its own by default (its threshold is 128 KiB, rising with
    /// what the process frees up to 32 MiB on 64-bit): what <see cref="LargeBlocksMapped"/> allocates to find out.</summary>
    public const int ProbeBytes = 64 << 20;

    private const int M_MMAP_MAX = -4;
    private static readonly Lock Gate = new();
    private static FreedMemoryState? state;

    /// <summary>What <see cref="Keep"/> did in this process; null when it was never called.</summary>
    public static FreedMemoryState? State { get { lock (Gate) return state; } }

    /// <summary>
    /// Keeps freed memory in the process as <see cref="Variable"/> says, once per process (later calls return the first
    /// result). Left alone: off Linux, where the C library is not glibc, with <see cref="Variable"/>=0, and where
    /// <c>GLIBC_TUNABLES</c> already sets <c>glibc.malloc.mmap_max</c> (the user's own setting wins).
    /// </summary>
    public static FreedMemoryState Keep()
    {
        lock (Gate) return state ??= Decide(Environment.GetEnvironmentVariable(Variable), Environment.GetEnvironmentVariable("GLIBC_TUNABLES"));
    }

    /// <summary>Whether <paramref name="setting"/> (the value of <see cref="Variable"/>, null when unset) asks to keep freed memory.</summary>
    /// <exception cref="FormatException">The setting is neither 1 nor 0.</exception>
    public static bool Asks(string? setting) => setting?.Trim() switch
    {
        null or "" or "1" => true,
        "0" => false,
        _ => throw new FormatException($"{Variable}={setting}: use 1 (keep freed memory, the CLI's default) or 0 (glibc's defaults)."),
    };

    private static FreedMemoryState Decide(string? setting, string? tunables)
    {
        bool asks;
        try { asks = Asks(setting); }
        catch (FormatException e) { return new FreedMemoryState(false, $"{e.Message} glibc's defaults are kept.", Asked: true); }
        if (!asks) return new FreedMemoryState(false, $"glibc's defaults: blocks over 32 MiB are mapped on their own and unmapped on free ({Variable}=0)", Asked: false);
        if (tunables?.Contains("glibc.malloc.mmap_max", StringComparison.Ordinal) == true)
            return new FreedMemoryState(false, $"left to GLIBC_TUNABLES ({tunables})", Asked: false);
        if (!OperatingSystem.IsLinux())
            return new FreedMemoryState(false, "left alone: keeping freed memory is done through glibc, on Linux only", Asked: false);
        string? glibc;
        try { glibc = Marshal.PtrToStringAnsi(gnu_get_libc_version()); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { glibc = null; }
        if (glibc is null)
            return new FreedMemoryState(false, "left alone: the C library is not glibc", Asked: false);
        if (mallopt(M_MMAP_MAX, 0) != 1)
            return new FreedMemoryState(false, $"glibc {glibc} refused mallopt(M_MMAP_MAX, 0); its defaults are kept", Asked: true);
        return new FreedMemoryState(true,
            $"glibc {glibc} keeps freed memory: large blocks come from its heap, not mappings of their own (mallopt M_MMAP_MAX 0; {Variable}=0 turns it off)",
            Asked: false);
    }

    /// <summary>
    /// Whether glibc gives a <see cref="ProbeBytes"/> block a mapping of its own in this process now: allocates one and
    /// compares glibc's count of mapped blocks (<c>mallinfo2().hblks</c>) before and after. False once <see cref="Keep"/>
    /// has taken effect; null where it cannot be asked (not glibc 2.33 or later).
    /// </summary>
    public static bool? LargeBlocksMapped()
    {
        if (!OperatingSystem.IsLinux()) return null;
        try
        {
            var before = mallinfo2();
            nint block = Marshal.AllocHGlobal(ProbeBytes);   // malloc on Unix
            try
            {
                return mallinfo2().hblks > before.hblks;
            }
            finally
            {
                Marshal.FreeHGlobal(block);
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    // glibc's struct mallinfo2 (2.33+): ten size_t fields; hblks is the number of blocks mapped on their own.
    [StructLayout(LayoutKind.Sequential)]
    private struct MallInfo2
    {
        public nuint arena, ordblks, smblks, hblks, hblkhd, usmblks, fsmblks, uordblks, fordblks, keepcost;
    }

    [DllImport("libc")] private static extern int mallopt(int param, int value);
    [DllImport("libc")] private static extern MallInfo2 mallinfo2();
    [DllImport("libc")] private static extern nint gnu_get_libc_version();
}

/// <summary>What <see cref="FreedMemory.Keep"/> did.</summary>
/// <param name="Kept">Whether glibc now keeps freed large blocks in the process.</param>
/// <param name="Description">What was done and why, in plain words (for logs and <c>doctor</c>).</param>
/// <param name="Asked">Whether the setting asked for something that was not done (not understood, or refused): then
/// the CLI logs <paramref name="Description"/>.</param>
public sealed record FreedMemoryState(bool Kept, string Description, bool Asked);
