using AlexNet.Onnx.Diagnostics;

namespace AlexNet.Doctor.Tests;

[TestClass]
public sealed class ElfFileTests
{
    [TestMethod]
    public void ReadsTheVersionsLibstdcxxDefines()
    {
        var path = SystemDiagnostics.LibstdcxxPath();
        Assert.IsNotNull(path, "no libstdc++.so.6 on this machine");
        var elf = ElfFile.Read(path);
        var readelf = Readelf.DefinedVersions(path);
        var newest = readelf.Where(v => v.StartsWith("GLIBCXX_", StringComparison.Ordinal))
            .MaxBy(v => Version.TryParse(v["GLIBCXX_".Length..], out var n) ? n : new Version());

        CollectionAssert.AreEquivalent(readelf.ToList(), elf.DefinedVersions.ToList(), "binutils' readelf -V lists the same definitions");
        CollectionAssert.Contains(elf.DefinedVersions.ToList(), "GLIBCXX_3.4");
        CollectionAssert.DoesNotContain(elf.DefinedVersions.ToList(), "libstdc++.so.6", "the base entry is the soname, not a version");
        var report = SystemDiagnostics.Read();
        Assert.AreEqual(path, report.LibstdcxxPath);
        Assert.AreEqual(newest, report.LibstdcxxNewestGlibcxx);
    }

    [TestMethod]
    public void ReadsTheLibrariesTheCudaProviderLinks()
    {
        var elf = ElfFile.Read(CudaLibraries.FindProviderLibrary()!);

        CollectionAssert.IsSubsetOf(new[] { "libcublasLt.so.13", "libcublas.so.13", "libcudart.so.13", "libcuda.so.1" }, elf.NeededLibraries.ToList());
        Assert.IsTrue(elf.VersionNeeds.Any(n => n.Library == "libc.so.6" && n.Version.StartsWith("GLIBC_2.", StringComparison.Ordinal)));
    }

    [TestMethod]
    public void ComparesVersionsNumberByNumber()
    {
        Assert.AreEqual("GLIBCXX_3.4.30", SystemDiagnostics.NewestVersion(["GLIBCXX_3.4.9", "GLIBCXX_3.4.30", "GLIBCXX_3.4", "CXXABI_1.3.13"], "GLIBCXX_"));
    }

    [TestMethod]
    public void RejectsAFileThatIsNotElf()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "not a library");
            var e = Assert.ThrowsExactly<InvalidDataException>(() => ElfFile.Read(path));
            StringAssert.Contains(e.Message, path);
        }
        finally { File.Delete(path); }
    }
}
