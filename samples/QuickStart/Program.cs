using AlexNet.Samples.QuickStart;
using AlexNet.Training.Cli;

try
{
    var options = QuickStartOptions.Parse(args);
    if (options == null) return 0;
    MainJob.Run(options, Console.Out, Console.Error);
    return 0;
}
catch (UsageException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 2;
}
catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
