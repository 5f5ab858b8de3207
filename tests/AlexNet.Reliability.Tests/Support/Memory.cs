using System.Diagnostics;

namespace AlexNet.Reliability.Tests.Support;

/// <summary>Managed bytes allocated and the process working set around a piece of work.</summary>
internal readonly record struct MemoryUse(long AllocatedBytes, long WorkingSetBefore, long WorkingSetAfter)
{
    public long WorkingSetGrowth => WorkingSetAfter - WorkingSetBefore;

    public static MemoryUse Of(Action work)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        long ws0 = WorkingSet(), a0 = GC.GetTotalAllocatedBytes(precise: true);
        work();
        long a1 = GC.GetTotalAllocatedBytes(precise: true);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        return new MemoryUse(a1 - a0, ws0, WorkingSet());
    }

    public static long WorkingSet()
    {
        using var self = Process.GetCurrentProcess();
        return self.WorkingSet64;
    }

    public override string ToString() =>
        $"{AllocatedBytes / 1024.0:F0} KiB allocated, working set {WorkingSetBefore / 1048576.0:F1} -> {WorkingSetAfter / 1048576.0:F1} MiB";
}
