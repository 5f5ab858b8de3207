using System.Diagnostics;

namespace AlexNet.Doctor.Tests;

/// <summary>
/// samples/GpuCheck published once per test run with <c>dotnet publish -r linux-x64 --self-contained</c> into a
/// temp folder; <c>--artifacts-path</c> keeps its bin and obj out of the checkout. Runs the published executable
/// with no dotnet on PATH and no DOTNET_ROOT, as on a machine without .NET.
/// </summary>
internal static class PublishedGpuCheck
{
    private static readonly string Root = Path.Combine(Path.GetTempPath(), $"alexnet-gpucheck-{Guid.NewGuid():N}");
    private static readonly Lazy<string> Executable = new(Publish);

    public static string Folder => Path.GetDirectoryName(Executable.Value)!;

    public static (int ExitCode, string Output) Run(params string[] args)
    {
        var psi = new ProcessStartInfo(Executable.Value, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.Environment.Remove("DOTNET_ROOT");
        psi.Environment["PATH"] = "/usr/bin:/bin";
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(TimeSpan.FromMinutes(5))) { p.Kill(); Assert.Fail("GpuCheck ran longer than 5 minutes"); }
        return (p.ExitCode, output + stderr.Result);
    }

    public static void Delete()
    {
        if (Directory.Exists(Root)) Directory.Delete(Root, recursive: true);
    }

    private static string Publish()
    {
        var repo = RepositoryFiles.Root;
        var output = Path.Combine(Root, "publish");
        var psi = new ProcessStartInfo("dotnet",
            ["publish", Path.Combine(repo, "samples", "GpuCheck", "GpuCheck.csproj"), "-c", "Release", "-r", "linux-x64", "--self-contained",
             "--artifacts-path", Path.Combine(Root, "artifacts"), "-o", output, "-nologo", "-v", "q"])
        { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = repo };
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var log = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(TimeSpan.FromMinutes(15))) { p.Kill(entireProcessTree: true); Assert.Fail("dotnet publish ran longer than 15 minutes"); }
        Assert.AreEqual(0, p.ExitCode, "dotnet publish failed:\n" + log + stderr.Result);
        var exe = Path.Combine(output, "GpuCheck");
        Assert.IsTrue(File.Exists(exe), exe);
        return exe;
    }
}
