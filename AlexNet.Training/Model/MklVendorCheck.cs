using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace AlexNet.Training.Model;

/// <summary>
/// The fully connected layers (all that a frozen-trunk fine-tune trains) run their matrix products in the Intel MKL
/// linked into TorchSharp's libtorch_cpu.so. MKL picks its kernels after asking <c>mkl_serv_intel_cpu_true()</c>
/// whether the CPU is Intel's: on any other vendor it takes a generic path whatever the CPU's instruction set. On an
/// AMD EPYC (Zen 5, AVX-512) TorchSharp's 2048² sgemm ran at 153–175 GFLOP/s that way, and at 338–376 when the
/// question was answered 1 (issue 34). libtorch_cpu.so exports that function and calls it through its PLT (a lazily
/// bound <c>R_X86_64_JUMP_SLOT</c>, no <c>-Bsymbolic</c>), and the dynamic linker resolves such a call in the global
/// scope first: a library that defines the same name and is loaded with <c>RTLD_GLOBAL</c> before libtorch answers
/// in MKL's place, in-process, as <c>LD_PRELOAD</c> would — no re-exec needed.
/// <para>
/// The library is one function (<c>mov eax, answer; ret</c>) in a 536-byte ELF shared object that this class writes
/// itself, into an anonymous memory file (<c>memfd_create</c>) that <c>dlopen</c> reads through <c>/proc/self/fd</c>:
/// nothing to compile, so it works where no C compiler is installed (a user's machine, a NuGet consumer), nothing
/// shipped per platform, and nothing written to disk (so a <c>noexec</c> /tmp does not matter; where the memory file
/// cannot be mapped executable, a temporary file is tried). Any failure leaves MKL
/// to answer for itself and is reported by <see cref="State"/> (the trainer's log, <c>alexnet doctor</c>).
/// </para>
/// <para>
/// The default (<see cref="Variable"/> unset or <c>auto</c>) answers 1 on AMD processors only. MKL's Intel path still
/// chooses among its kernels by the CPUID feature bits (AVX2, AVX-512, AMX), which an AMD CPU reports truthfully, so it
/// runs only instructions the CPU has; the kernels sum in a different order, which changes results by rounding only
/// (tests/AlexNet.Training.Tests/Model/MklVendorCheckTests.cs checks both paths agree on whatever CPU runs the tests).
/// On Intel MKL already answers 1, so nothing is loaded; other vendors are left alone because nobody measured them.
/// </para>
/// </summary>
public static class MklVendorCheck
{
    /// <summary>
    /// The environment variable that decides: <c>auto</c> (the default: answer 1 on AMD, let MKL answer elsewhere),
    /// <c>1</c> (answer 1: MKL's Intel path on any x86-64), <c>0</c> (answer 0: MKL's generic path, also on Intel; for
    /// comparisons), <c>mkl</c> (never interpose).
    /// </summary>
    public const string Variable = "ALEXNET_MKL_INTEL_CPU";

    /// <summary>The function MKL asks, exported by libtorch_cpu.so and by our library.</summary>
    public const string FunctionName = "mkl_serv_intel_cpu_true";

    /// <summary>The soname of the library this class writes, as <c>/proc/self/maps</c> and <c>dlinfo</c> would show it.</summary>
    public const string LibraryName = "libalexnet-mkl-intel-cpu.so";

    private static readonly Lock Gate = new();
    private static MklVendorState? state;
    private static nint ours;   // our function's address once loaded, to tell it from another library's (LD_PRELOAD)

    /// <summary>What <see cref="Apply"/> did in this process; null before it ran.</summary>
    public static MklVendorState? State { get { lock (Gate) return state; } }

    /// <summary>
    /// Answers MKL's vendor question as <see cref="Variable"/> says, once per process (later calls return the first
    /// outcome). Must run before libtorch loads (before the first tensor): MKL asks once and keeps its choice.
    /// </summary>
    /// <returns>What was done and why.</returns>
    public static MklVendorState Apply()
    {
        lock (Gate) return state ??= Decide(Environment.GetEnvironmentVariable(Variable), CpuVendor());
    }

    /// <summary>The CPU's vendor string from CPUID leaf 0 (GenuineIntel, AuthenticAMD, …); null off x86.</summary>
    public static string? CpuVendor()
    {
        if (!X86Base.IsSupported) return null;
        var (_, ebx, ecx, edx) = X86Base.CpuId(0, 0);
        Span<byte> name = stackalloc byte[12];
        BinaryPrimitives.WriteInt32LittleEndian(name, ebx);
        BinaryPrimitives.WriteInt32LittleEndian(name[4..], edx);
        BinaryPrimitives.WriteInt32LittleEndian(name[8..], ecx);
        return Encoding.ASCII.GetString(name);
    }

    /// <summary>The answer <paramref name="setting"/> asks for on a CPU of <paramref name="vendor"/>: 1, 0, or null to let MKL answer.</summary>
    /// <param name="setting">The value of <see cref="Variable"/>, or null when unset.</param>
    /// <param name="vendor">The CPU vendor string.</param>
    /// <exception cref="FormatException">The setting is none of auto, 1, 0, mkl.</exception>
    public static int? AnswerFor(string? setting, string? vendor) => (setting?.Trim().ToLowerInvariant() ?? "auto") switch
    {
        "" or "auto" => vendor == "AuthenticAMD" ? 1 : null,
        "1" => 1,
        "0" => 0,
        "mkl" => null,
        _ => throw new FormatException($"{Variable}={setting}: use auto (the default), 1, 0 or mkl."),
    };

    private static MklVendorState Decide(string? setting, string? vendor)
    {
        string shown = string.IsNullOrWhiteSpace(setting) ? "auto" : setting.Trim();
        int? answer;
        try { answer = AnswerFor(setting, vendor); }
        catch (FormatException e) { return new MklVendorState(shown, vendor, null, $"{e.Message} MKL answers for itself.", Asked: true); }
        if (answer is null)
            return new MklVendorState(shown, vendor, null, Asked: false, Description: shown == "auto"
                ? $"MKL answers for itself ({Variable}=auto interposes on AMD processors only; this one is {vendor ?? "not x86"})"
                : $"MKL answers for itself ({Variable}={shown})");
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64)
            return new MklVendorState(shown, vendor, null, "MKL answers for itself: answering in its place works on Linux x64 only (libtorch_cpu.so's dynamic symbols)", Asked: true);
        try
        {
            if (LibtorchLoaded())
                return new MklVendorState(shown, vendor, null, "MKL answers for itself: libtorch was loaded before our answer could be, and MKL keeps the first answer", Asked: true);
            if (Native.DlSym(0, FunctionName) is var other and not 0)   // an LD_PRELOAD library comes first in the global scope
                return new MklVendorState(shown, vendor, null, $"not loaded: {Native.LibraryOf(other) ?? "another library"} already answers MKL's vendor check", Asked: true);
            Load(answer.Value);
            return new MklVendorState(shown, vendor, answer, $"answered {answer} by {LibraryName} ({Variable}={shown})", Asked: true);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or IOException or InvalidOperationException or UnauthorizedAccessException)
        {
            return new MklVendorState(shown, vendor, null, $"MKL answers for itself: loading {LibraryName} failed: {e.Message}", Asked: true);
        }
    }

    private static bool LibtorchLoaded()
    {
        nint h = Native.DlOpen("libtorch_cpu.so", Native.RtldLazy | Native.RtldNoLoad);
        if (h == 0) return false;
        Native.DlClose(h);
        return true;
    }

    private static void Load(int answer)
    {
        var image = SharedObject(answer);
        string? memfdProblem = null;
        int fd = Native.MemfdCreate(LibraryName, 0);
        if (fd >= 0)
        {
            using var handle = new SafeFileHandle(fd, ownsHandle: true);
            RandomAccess.Write(handle, image, 0);
            // RTLD_NOW: a defect in the image shows here, not at MKL's first call. Never closed: it must outlive libtorch.
            nint h = Native.DlOpen($"/proc/self/fd/{fd}", Native.RtldNow | Native.RtldGlobal);
            if (h != 0) { ours = Native.DlSym(h, FunctionName); return; }
            memfdProblem = Native.DlError();
        }
        else memfdProblem = $"memfd_create failed (errno {Marshal.GetLastPInvokeError()})";

        // Where anonymous memory files may not be mapped executable (vm.memfd_noexec, a seccomp policy): a private
        // temporary file, removed once loaded (the mapping stays). A noexec temporary folder fails this too.
        string dir = Directory.CreateTempSubdirectory("alexnet-mkl-").FullName, path = Path.Combine(dir, LibraryName);
        try
        {
            File.WriteAllBytes(path, image);
            nint h = Native.DlOpen(path, Native.RtldNow | Native.RtldGlobal);
            if (h == 0) throw new InvalidOperationException($"{memfdProblem}; from {path}: {Native.DlError() ?? "dlopen failed"}");
            ours = Native.DlSym(h, FunctionName);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    /// <summary>
    /// An x86-64 ELF shared object exporting one function, <see cref="FunctionName"/>, that returns
    /// <paramref name="answer"/>: a read-only, executable segment (ELF header, program headers, SysV hash table,
    /// dynamic symbols and strings, code) and a writable one for <c>.dynamic</c> (glibc before 2.35 relocates its
    /// entries in place), plus <c>PT_GNU_STACK</c> so the loader does not make the stack executable. No section headers:
    /// the dynamic linker reads only program headers and <c>.dynamic</c>.
    /// </summary>
    /// <param name="answer">What the function returns.</param>
    public static byte[] SharedObject(int answer)
    {
        const int Ehdr = 64, Phdr = 56, Phnum = 4, Page = 0x1000;
        const int HashAt = Ehdr + Phnum * Phdr;            // nbucket, nchain, bucket[0], chain[0], chain[1]
        const int SymAt = HashAt + 24;                     // two Elf64_Sym: the null symbol and ours
        const int StrAt = SymAt + 2 * 24;
        byte[] strings = Encoding.ASCII.GetBytes($"\0{FunctionName}\0{LibraryName}\0");
        int codeAt = Align(StrAt + strings.Length, 16);
        byte[] code = [0xB8, .. BitConverter.GetBytes(answer), 0xC3]; // mov eax, imm32; ret
        int textEnd = codeAt + code.Length;
        int dynAt = Align(textEnd, 8), dynVaddr = dynAt + Page;
        (long Tag, long Value)[] dynamic =
        [
            (4, HashAt), (5, StrAt), (6, SymAt), (10, strings.Length), (11, 24), // DT_HASH, STRTAB, SYMTAB, STRSZ, SYMENT
            (14, 1 + FunctionName.Length + 1),                                  // DT_SONAME
            (0, 0),                                                             // DT_NULL
        ];
        var elf = new byte[dynAt + dynamic.Length * 16];
        var s = elf.AsSpan();

        "\u007fELF"u8.CopyTo(s);
        s[4] = 2; s[5] = 1; s[6] = 1;                      // 64-bit, little-endian, version 1, System V ABI
        U16(s, 16, 3); U16(s, 18, 62); U32(s, 20, 1);      // ET_DYN, EM_X86_64, EV_CURRENT
        U64(s, 32, Ehdr);                                  // e_phoff (e_entry, e_shoff: 0)
        U16(s, 52, Ehdr); U16(s, 54, Phdr); U16(s, 56, Phnum);

        Program(s, 0, type: 1, flags: 5, offset: 0, vaddr: 0, size: textEnd, align: Page);             // PT_LOAD, R+X
        Program(s, 1, type: 1, flags: 6, offset: dynAt, vaddr: dynVaddr, size: dynamic.Length * 16, align: Page); // PT_LOAD, R+W
        Program(s, 2, type: 2, flags: 6, offset: dynAt, vaddr: dynVaddr, size: dynamic.Length * 16, align: 8);   // PT_DYNAMIC
        Program(s, 3, type: 0x6474e551, flags: 6, offset: 0, vaddr: 0, size: 0, align: 16);                    // PT_GNU_STACK, not executable

        U32(s, HashAt, 1); U32(s, HashAt + 4, 2); U32(s, HashAt + 8, 1); // one bucket holding symbol 1; chains end at 0
        int sym = SymAt + 24;
        U32(s, sym, 1);                                    // st_name: offset of FunctionName
        s[sym + 4] = 0x12;                                 // STB_GLOBAL, STT_FUNC (st_other 0: default visibility)
        U16(s, sym + 6, 1);                                // st_shndx: any defined section (not SHN_ABS, which glibc would not relocate)
        U64(s, sym + 8, codeAt); U64(s, sym + 16, code.Length);
        strings.CopyTo(s[StrAt..]);
        code.CopyTo(s[codeAt..]);
        for (int i = 0; i < dynamic.Length; i++) { U64(s, dynAt + i * 16, dynamic[i].Tag); U64(s, dynAt + i * 16 + 8, dynamic[i].Value); }
        return elf;

        static int Align(int x, int a) => (x + a - 1) / a * a;
        static void U16(Span<byte> b, int at, int v) => BinaryPrimitives.WriteUInt16LittleEndian(b[at..], (ushort)v);
        static void U32(Span<byte> b, int at, int v) => BinaryPrimitives.WriteUInt32LittleEndian(b[at..], (uint)v);
        static void U64(Span<byte> b, int at, long v) => BinaryPrimitives.WriteInt64LittleEndian(b[at..], v);
        static void Program(Span<byte> b, int index, int type, int flags, long offset, long vaddr, long size, long align)
        {
            int at = Ehdr + index * Phdr;
            U32(b, at, type); U32(b, at + 4, flags);
            U64(b, at + 8, offset); U64(b, at + 16, vaddr); U64(b, at + 24, vaddr); // p_paddr = p_vaddr
            U64(b, at + 32, size); U64(b, at + 40, size); U64(b, at + 48, align);
        }
    }

    /// <summary>
    /// What MKL decided in this process, asked of MKL itself: call after libtorch has loaded (after the first tensor).
    /// Null when libtorch is not loaded or is not the one with MKL (macOS, Windows, an ARM build).
    /// </summary>
    public static MklReport? Inspect()
    {
        if (!OperatingSystem.IsLinux()) return null;
        try
        {
            nint torch = Native.DlOpen("libtorch_cpu.so", Native.RtldLazy | Native.RtldNoLoad);
            if (torch == 0) return null;
            try
            {
                // dlsym on libtorch's handle searches libtorch and its dependencies: MKL's own function. RTLD_DEFAULT
                // searches the global scope, where libtorch's PLT looks first: ours when it was loaded.
                nint own = Native.DlSym(torch, FunctionName), global = Native.DlSym(0, FunctionName);
                nint version = Native.DlSym(torch, "mkl_serv_get_version");
                if (own == 0 || version == 0) return null;
                int mklAnswer, effective;
                unsafe
                {
                    mklAnswer = ((delegate* unmanaged<int>)own)();
                    effective = global != 0 && global != own ? ((delegate* unmanaged<int>)global)() : mklAnswer;
                }
                // Whoever defines the function the global scope finds answers MKL: nobody (MKL itself), our library,
                // or another one (an LD_PRELOAD the user set), named by its file.
                string answeredBy = global == 0 || global == own ? "MKL"
                    : global == ours ? LibraryName
                    : Native.LibraryOf(global) ?? "an unknown library";
                var v = new MklVersion();
                unsafe { ((delegate* unmanaged<MklVersion*, void>)version)(&v); }
                return new MklReport($"{v.Major}.{v.Minor}.{v.Update}", Marshal.PtrToStringAnsi(v.Processor) ?? "", mklAnswer,
                    effective, answeredBy, CpuVendor());
            }
            finally { Native.DlClose(torch); }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    // MKL's MKLVersion (mkl_types.h), filled by mkl_serv_get_version, the function behind MKL_Get_Version.
    [StructLayout(LayoutKind.Sequential)]
    private struct MklVersion
    {
        public int Major, Minor, Update;
        public nint ProductStatus, Build, Processor, Platform;
    }

    private static class Native
    {
        public const int RtldLazy = 1, RtldNow = 2, RtldNoLoad = 4, RtldGlobal = 0x100;

        // glibc 2.34 moved dlopen into libc.so.6; before that it lives in libdl.so.2 only.
        public static nint DlOpen(string path, int flags)
        {
            try { return dlopen(path, flags); }
            catch (EntryPointNotFoundException) { return dlopen_dl(path, flags); }
        }

        public static nint DlSym(nint handle, string name)
        {
            try { return dlsym(handle, name); }
            catch (EntryPointNotFoundException) { return dlsym_dl(handle, name); }
        }

        public static void DlClose(nint handle)
        {
            try { dlclose(handle); }
            catch (EntryPointNotFoundException) { dlclose_dl(handle); }
        }

        public static string? DlError()
        {
            nint e;
            try { e = dlerror(); }
            catch (EntryPointNotFoundException) { e = dlerror_dl(); }
            return Marshal.PtrToStringAnsi(e);
        }

        public static int MemfdCreate(string name, uint flags) => memfd_create(name, flags);

        // dladdr's Dl_info: the file of the object holding an address.
        public static string? LibraryOf(nint address)
        {
            var info = new DlInfo();
            int found;
            try { found = dladdr(address, ref info); }
            catch (EntryPointNotFoundException) { found = dladdr_dl(address, ref info); }
            return found != 0 ? Marshal.PtrToStringAnsi(info.FileName) : null;
        }

        [StructLayout(LayoutKind.Sequential)]
        private struct DlInfo
        {
            public nint FileName, FileBase, SymbolName, SymbolAddress;
        }

        [DllImport("libc")] private static extern int dladdr(nint address, ref DlInfo info);
        [DllImport("libdl.so.2", EntryPoint = "dladdr")] private static extern int dladdr_dl(nint address, ref DlInfo info);

        [DllImport("libc", CharSet = CharSet.Ansi)] private static extern nint dlopen(string path, int flags);
        [DllImport("libc", CharSet = CharSet.Ansi)] private static extern nint dlsym(nint handle, string name);
        [DllImport("libc")] private static extern int dlclose(nint handle);
        [DllImport("libc")] private static extern nint dlerror();
        [DllImport("libdl.so.2", EntryPoint = "dlopen", CharSet = CharSet.Ansi)] private static extern nint dlopen_dl(string path, int flags);
        [DllImport("libdl.so.2", EntryPoint = "dlsym", CharSet = CharSet.Ansi)] private static extern nint dlsym_dl(nint handle, string name);
        [DllImport("libdl.so.2", EntryPoint = "dlclose")] private static extern int dlclose_dl(nint handle);
        [DllImport("libdl.so.2", EntryPoint = "dlerror")] private static extern nint dlerror_dl();
        [DllImport("libc", CharSet = CharSet.Ansi, SetLastError = true)] private static extern int memfd_create(string name, uint flags);
    }
}

/// <summary>What <see cref="MklVendorCheck.Apply"/> did.</summary>
/// <param name="Setting">The value of <see cref="MklVendorCheck.Variable"/> (auto when unset).</param>
/// <param name="CpuVendor">The CPU vendor string (GenuineIntel, AuthenticAMD, …); null off x86.</param>
/// <param name="Answer">What our library answers MKL (1 or 0), or null when MKL answers for itself.</param>
/// <param name="Description">What was done and why, in plain words (for logs and <c>doctor</c>).</param>
/// <param name="Asked">Whether the setting asked for an answer here (or was not understood): then the trainer logs
/// <paramref name="Description"/>, whether the answer was given or why not.</param>
public sealed record MklVendorState(string Setting, string? CpuVendor, int? Answer, string Description, bool Asked);

/// <summary>The MKL inside libtorch, as it reports itself.</summary>
/// <param name="Version">MKL's version, e.g. 2024.0.2.</param>
/// <param name="CodePath">The processor optimisation MKL dispatches to (MKLVersion.Processor), e.g.
/// "Intel(R) Advanced Vector Extensions 512 (Intel(R) AVX-512) …", or "… SSE2 …" on the generic path.</param>
/// <param name="MklAnswer">What MKL's own <c>mkl_serv_intel_cpu_true</c> answers here.</param>
/// <param name="Answer">What MKL is told: by <paramref name="AnsweredBy"/>.</param>
/// <param name="AnsweredBy">Who answers MKL's vendor check: "MKL" (itself), <see cref="MklVendorCheck.LibraryName"/>
/// (ours), or the file of another library that defines the function first (one given in <c>LD_PRELOAD</c>).</param>
/// <param name="CpuVendor">The CPU vendor string; null off x86.</param>
public sealed record MklReport(string Version, string CodePath, int MklAnswer, int Answer, string AnsweredBy, string? CpuVendor)
{
    /// <summary>Whether our library answers in MKL's place.</summary>
    public bool AnsweredByUs => AnsweredBy == MklVendorCheck.LibraryName;
}
