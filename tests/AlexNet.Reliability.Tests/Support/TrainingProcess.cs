using System.Diagnostics;
using System.Text;

namespace AlexNet.Reliability.Tests.Support;

/// <summary>
/// The training CLI (<c>alexnet.dll</c>, AlexNet.Cli, copied into this test's output folder by the project reference)
/// run as a child process, with its stderr collected so a test can wait for a progress line. Disposing kills the
/// child if it still runs: a test only ever ends processes it started.
/// </summary>
internal sealed class TrainingProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stderr = new();
    private readonly StringBuilder _stdout = new();

    public static string Dll { get; } = Path.Combine(AppContext.BaseDirectory, "alexnet.dll");

    /// <summary>The small preset on the tiny Fashion-MNIST copy: 4 steps of 16 images an epoch, one thread, no export.</summary>
    public static List<string> TrainArgs(string runDir, int epochs, bool resume = false, long? maxSteps = null)
    {
        var args = new List<string>
        {
            "train", "--data", TinyFashionMnist.Folder, "--train-limit", "64", "--eval-limit", "32", "--batch-size", "16",
            "--epochs", epochs.ToString(System.Globalization.CultureInfo.InvariantCulture), "--workers", "1", "--threads", "1",
            "--no-export", "--no-ten-crop", "--run-dir", runDir,
        };
        if (resume) args.Add("--resume");
        if (maxSteps is { } m) args.AddRange(["--max-steps", m.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        return args;
    }

    private TrainingProcess(ProcessStartInfo start)
    {
        start.RedirectStandardError = true;
        start.RedirectStandardOutput = true;
        start.UseShellExecute = false;
        _process = new Process { StartInfo = start };
        _process.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (_stderr) _stderr.AppendLine(e.Data); };
        _process.OutputDataReceived += (_, e) => { if (e.Data != null) lock (_stdout) _stdout.AppendLine(e.Data); };
        _process.Start();
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
    }

    /// <summary>Starts <c>dotnet alexnet.dll args</c>, held before a step when <paramref name="hold"/> is given.</summary>
    public static TrainingProcess Start(IEnumerable<string> args, StepHold? hold = null)
    {
        var start = new ProcessStartInfo("dotnet");
        start.ArgumentList.Add(Dll);
        foreach (var a in args) start.ArgumentList.Add(a);
        return new TrainingProcess(Held(start, hold));
    }

    private static ProcessStartInfo Held(ProcessStartInfo start, StepHold? hold)
    {
        if (hold is not null) start.Environment[StepHold.Variable] = hold.Value;
        return start;
    }

    /// <summary>
    /// Starts the CLI under a file-size limit (<c>ulimit -f</c>, in KiB) with SIGXFSZ ignored, so a write past the
    /// limit fails with EFBIG ("File too large") the way a full disk fails with ENOSPC, instead of killing the process.
    /// <c>exec</c> keeps the process id the CLI's own. W^X is switched off: .NET's double-mapped code memory lives in
    /// a memfd that the file-size limit also caps, and the runtime aborts (SIGABRT, "terminate called after throwing an
    /// instance of 'Exception*'") when the JIT outgrows it.
    /// </summary>
    public static TrainingProcess StartWithFileSizeLimit(long kib, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo("/bin/bash");
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"trap '' XFSZ; ulimit -f {kib}; exec dotnet \"$@\"");
        start.Environment["DOTNET_EnableWriteXorExecute"] = "0";
        start.ArgumentList.Add("bash");
        start.ArgumentList.Add(Dll);
        foreach (var a in args) start.ArgumentList.Add(a);
        return new TrainingProcess(start);
    }

    /// <summary>
    /// Starts the CLI from a launcher that blocks SIGINT and SIGTERM and ignores SIGINT before exec, as a process
    /// supervisor or a thread with a blocked mask may: the mask and the "ignore" are what the child inherits.
    /// </summary>
    public static TrainingProcess StartWithTerminationSignalsBlocked(IEnumerable<string> args, StepHold? hold = null)
    {
        var start = new ProcessStartInfo("/usr/bin/python3");
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(
            "import os, signal, sys\n" +
            "signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})\n" +
            "signal.signal(signal.SIGINT, signal.SIG_IGN)\n" +
            "os.execvp('dotnet', ['dotnet'] + sys.argv[1:])");
        start.ArgumentList.Add(Dll);
        foreach (var a in args) start.ArgumentList.Add(a);
        return new TrainingProcess(Held(start, hold));
    }

    public int Pid => _process.Id;

    /// <summary>The child's blocked, ignored, caught and pending signal masks (/proc), for a failure message.</summary>
    public string SignalState()
    {
        try
        {
            return string.Join(" ", File.ReadAllLines($"/proc/{Pid}/status")
                .Where(l => l.StartsWith("Sig", StringComparison.Ordinal) || l.StartsWith("ShdPnd", StringComparison.Ordinal))
                .Select(l => l.Replace("\t", "", StringComparison.Ordinal)));
        }
        catch (IOException e) { return $"unreadable ({e.Message})"; }
    }

    public string Stderr { get { lock (_stderr) return _stderr.ToString(); } }

    public string Stdout { get { lock (_stdout) return _stdout.ToString(); } }

    public bool HasExited => _process.HasExited;

    public void Signal(int signal) => Signals.Send(_process.Id, signal);

    /// <summary>Waits for the exit and returns the code (128 + n after signal n); fails the test after the timeout.</summary>
    public int WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            _process.Kill(entireProcessTree: true);
            Assert.Fail($"The training process did not exit within {timeout.TotalSeconds:F0} s. stderr:\n{Tail(Stderr)}");
        }
        _process.WaitForExit(); // drains the redirected streams
        return _process.ExitCode;
    }

    /// <summary>Runs to the end and returns the exit code.</summary>
    public static int Run(IEnumerable<string> args, TimeSpan timeout, out string stderr)
    {
        using var p = Start(args);
        int code = p.WaitForExit(timeout);
        stderr = p.Stderr;
        return code;
    }

    public static string Tail(string text, int chars = 3000) => text.Length <= chars ? text : "…" + text[^chars..];

    public void Dispose()
    {
        try { if (!_process.HasExited) _process.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { }
        _process.Dispose();
    }
}
