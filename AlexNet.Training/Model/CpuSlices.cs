using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace AlexNet.Training.Model;

/// <summary>
/// The frame of our CPU kernels (<see cref="LrnCpuKernel"/>, <see cref="MaxPool"/>): independent slices of a tensor
/// (an image's tower, a channel's plane) spread over as many threads as libtorch's own operations use, each thread with
/// scratch memory of its own for the whole loop.
/// </summary>
internal static unsafe class CpuSlices
{
    /// <summary>Runs <paramref name="body"/>(slice, scratch) for slices 0 … <paramref name="count"/> − 1.</summary>
    /// <param name="count">Slices.</param>
    /// <param name="scratchBytes">Scratch per thread, 64-byte aligned (0: none, and the pointer is 0).</param>
    /// <param name="body">The work of one slice.</param>
    public static void For(long count, long scratchBytes, Action<long, nint> body) =>
        Parallel.For(0L, count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, get_num_threads()) },
            () => scratchBytes > 0 ? (nint)NativeMemory.AlignedAlloc((nuint)scratchBytes, 64) : 0,
            (slice, _, scratch) => { body(slice, scratch); return scratch; },
            scratch => { if (scratch != 0) NativeMemory.AlignedFree((void*)scratch); });
}
