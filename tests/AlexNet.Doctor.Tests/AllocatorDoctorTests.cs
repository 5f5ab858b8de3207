using AlexNet.Training.Model;

namespace AlexNet.Doctor.Tests;

/// <summary>
/// doctor's allocator line: whether glibc keeps the memory a training step frees. The CLI asks at start-up
/// (Program.cs, <see cref="FreedMemory.Keep"/>), so its answers are checked in child processes of alexnet.dll; the
/// line's second part is a measurement, not the setting read back: a 64 MiB block is allocated and glibc's count of
/// blocks mapped on their own (mallinfo2) says where it came from. This test host never asks, as a library's host app.
/// </summary>
[TestClass]
public sealed class AllocatorDoctorTests
{
    private const string Heap = "a 64 MiB block comes from glibc's heap and stays in the process when freed\n";
    private const string Mapped = "a 64 MiB block gets a mapping of its own, unmapped on free\n";

    [TestMethod]
    public void TheCliKeepsFreedMemoryByDefault()
    {
        var (output, error) = DoctorRun.InCliProcess();

        StringAssert.Contains(output, "keeps freed memory: large blocks come from its heap, not mappings of their own (mallopt M_MMAP_MAX 0; ALEXNET_KEEP_FREED_MEMORY=0 turns it off)\n");
        StringAssert.Contains(output, Heap);
        Assert.AreEqual("", error);
    }

    [TestMethod]
    public void TheCliToldZeroLeavesGlibcsDefaults()
    {
        var (output, _) = DoctorRun.InCliProcess((FreedMemory.Variable, "0"));

        StringAssert.Contains(output, "glibc's defaults: blocks over 32 MiB are mapped on their own and unmapped on free (ALEXNET_KEEP_FREED_MEMORY=0)\n");
        StringAssert.Contains(output, Mapped);
    }

    [TestMethod]
    public void ASettingThatIsNeitherOneNorZeroIsNamedAndGlibcsDefaultsKept()
    {
        var (output, error) = DoctorRun.InCliProcess((FreedMemory.Variable, "yes"));

        Assert.AreEqual("warning: ALEXNET_KEEP_FREED_MEMORY=yes: use 1 (keep freed memory, the CLI's default) or 0 (glibc's defaults). glibc's defaults are kept.\n", error);
        StringAssert.Contains(output, Mapped);
    }

    [TestMethod]
    public void TheUsersOwnGlibcTunableWins()
    {
        // glibc's own default, set by the user: the probe is mapped, so ours did not override it.
        var (output, _) = DoctorRun.InCliProcess(("GLIBC_TUNABLES", "glibc.malloc.mmap_max=65536"));

        StringAssert.Contains(output, "left to GLIBC_TUNABLES (glibc.malloc.mmap_max=65536)\n");
        StringAssert.Contains(output, Mapped);
    }

    [TestMethod]
    public void AProcessThatNeverAskedKeepsGlibcsDefaults()
    {
        var torch = DoctorRun.Of("--json").Json.GetProperty("torchSharp");

        Assert.AreEqual(System.Text.Json.JsonValueKind.Null, torch.GetProperty("freedMemory").ValueKind);
        Assert.IsTrue(torch.GetProperty("largeBlocksMapped").GetBoolean());
        StringAssert.Contains(DoctorRun.Of().Output, "glibc's defaults: this process never called FreedMemory.Keep (the alexnet CLI does; ALEXNET_KEEP_FREED_MEMORY=0 turns it off there)\n" +
            "                  " + Mapped);
    }
}
