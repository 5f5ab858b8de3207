using AlexNet.Cli;

namespace AlexNet.Tests.Shared;

/// <summary>
/// Runs the <c>alexnet</c> command line in the test's process and keeps what it printed: the CLI's own code path, at a
/// test's speed. Compiled only into the test projects that reference AlexNet.Cli (their .csproj links this file).
/// </summary>
internal static class InProcessCli
{
    /// <summary>Runs <c>alexnet <paramref name="args"/></c>; its exit code and what it wrote to stdout and stderr.</summary>
    public static (int Code, string Out, string Err) Run(params string[] args)
    {
        var (oldOut, oldErr) = (Console.Out, Console.Error);
        var (o, e) = (new StringWriter(), new StringWriter());
        Console.SetOut(o);
        Console.SetError(e);
        try { return (AlexNetCommand.Run(args), o.ToString(), e.ToString()); }
        finally { Console.SetOut(oldOut); Console.SetError(oldErr); }
    }
}
