using System.Runtime.CompilerServices;

namespace AlexNet.Tests.Shared;

/// <summary>
/// Gives each test process its own temp folder, deleted when the process exits normally or, since the test platform
/// may kill its hosts instead, by the next test process that starts. Everything a test leaves under
/// <see cref="Path.GetTempPath"/> goes with it: its own scratch folders, the training CLI's children (they inherit
/// TMPDIR), and the serving graphs of models a test never disposed. Without this, every run left gigabytes in /tmp
/// and a CI machine ran out of disk.
/// </summary>
internal static class TestScratch
{
    private const string Prefix = "alexnet-testrun-";

    /// <summary>This process's temp folder (also TMPDIR from the first test on).</summary>
    public static string Folder { get; private set; } = "";

    [ModuleInitializer]
    internal static void Start()
    {
        if (!OperatingSystem.IsLinux() || Folder.Length > 0) return;
        string parent = Path.GetTempPath();
        RemoveFoldersOfDeadProcesses(parent);
        string name = (System.Reflection.Assembly.GetExecutingAssembly().GetName().Name ?? "tests").Replace('.', '-');
        Folder = Directory.CreateDirectory(Path.Combine(parent, $"{Prefix}{name}-{Environment.ProcessId}")).FullName;
        Environment.SetEnvironmentVariable("TMPDIR", Folder); // Path.GetTempPath reads it on every call
        AppDomain.CurrentDomain.ProcessExit += (_, _) => TryDelete(Folder);
    }

    // A test host that crashed or was killed never ran its ProcessExit handler.
    private static void RemoveFoldersOfDeadProcesses(string parent)
    {
        foreach (var dir in Directory.EnumerateDirectories(parent, Prefix + "*"))
            if (int.TryParse(dir[(dir.LastIndexOf('-') + 1)..], out int pid) && !Directory.Exists($"/proc/{pid}"))
                TryDelete(dir);
    }

    private static void TryDelete(string dir)
    {
        try { Directory.Delete(dir, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
