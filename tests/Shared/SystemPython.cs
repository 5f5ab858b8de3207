using System.Diagnostics;

namespace AlexNet.Tests.Shared;

/// <summary>
/// Runs the reference scripts in a test project's Python folder with Debian's system Python, whose packages
/// (python3-torch, python3-torchvision, python3-onnx, python3-pil) the tests rely on and .ci/run installs.
/// </summary>
internal static class SystemPython
{
    private const string Interpreter = "/usr/bin/python3";

    /// <summary>
    /// Marks the test inconclusive, naming the Debian package, when the interpreter or a module is missing: what to
    /// install, not a defect. .ci/run installs them and fails on any inconclusive test not on .ci/allowed-inconclusive.tsv
    /// (none of these is), so a package that stops installing turns CI red. A script that runs and fails is a failure:
    /// <see cref="RunScript"/>.
    /// </summary>
    public static void Require(string module, string debianPackage)
    {
        if (!File.Exists(Interpreter))
            Assert.Inconclusive($"{Interpreter} is missing; install python3 and {debianPackage} (apt-get install -y {debianPackage}).");
        var (code, _, error) = Run(["-c", $"import {module}"]);
        if (code != 0)
            Assert.Inconclusive($"{Interpreter} cannot import {module}; install the Debian package {debianPackage} (apt-get install -y {debianPackage}). {error.Trim()}");
    }

    /// <summary>Runs a script from the test's Python folder and fails the test with its stderr if it exits non-zero.</summary>
    public static string RunScript(string script, params string[] args)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Python", script);
        var (code, output, error) = Run([path, .. args]);
        if (code != 0) Assert.Fail($"{script} exited with {code}: {error}");
        return output;
    }

    /// <summary>Runs the interpreter and returns the exit code and both streams.</summary>
    public static (int Code, string Output, string Error) Run(string[] args)
    {
        var start = new ProcessStartInfo(Interpreter) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, output.Result, error.Result);
    }
}
