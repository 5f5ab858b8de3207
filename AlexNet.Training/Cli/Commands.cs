namespace AlexNet.Training.Cli;

/// <summary>Entry point of the alexnet command line.</summary>
public static class Commands
{
    /// <summary>Runs a command and returns the process exit code.</summary>
    /// <param name="args">Command-line arguments.</param>
    public static int Run(string[] args)
    {
        Console.WriteLine(TorchSharp.torch.__version__);
        return 0;
    }
}
