using System.Diagnostics;

namespace AlexNet.Training.Studies;

/// <summary>
/// Lets several <c>study</c> processes share a run root: the first to need an arm trains it, holding
/// &lt;key&gt;.lock (its process id inside); the others wait for its arm.json. A lock whose process is gone is taken over.
/// </summary>
public sealed class ArmLock : IDisposable
{
    private readonly string path;

    private ArmLock(string path) => this.path = path;

    /// <summary>Takes the lock, or returns null while a live process holds it.</summary>
    /// <param name="runRoot">Folder of the run folders.</param>
    /// <param name="key">The arm's key.</param>
    public static ArmLock? TryTake(string runRoot, string key)
    {
        Directory.CreateDirectory(runRoot);
        var path = Path.Combine(runRoot, key + ".lock");
        for (int attempt = 0; attempt < 2; attempt++)
        {
            try
            {
                using var f = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
                using var w = new StreamWriter(f);
                w.Write(Environment.ProcessId);
                return new ArmLock(path);
            }
            catch (IOException) when (File.Exists(path))
            {
                if (HolderAlive(path)) return null;
                File.Delete(path); // the holder died: take over
            }
        }
        return null;
    }

    private static bool HolderAlive(string path)
    {
        try
        {
            if (!int.TryParse(File.ReadAllText(path).Trim(), out int pid)) return true; // being written
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException) { return false; }
        catch (IOException) { return true; }
    }

    /// <summary>Releases the lock.</summary>
    public void Dispose() => File.Delete(path);
}
