namespace AlexNet.Reliability.Tests.Support;

/// <summary>Runs a call on another thread and fails the test if it has not returned in time: a hang is a failure, not a stuck CI.</summary>
internal static class Within
{
    public static T Seconds<T>(double seconds, Func<T> call, string what)
    {
        var task = Task.Run(call);
        try
        {
            if (!task.Wait(TimeSpan.FromSeconds(seconds))) Assert.Fail($"{what} did not return within {seconds} s.");
        }
        catch (AggregateException) { } // the call's exception is read below
        return task.GetAwaiter().GetResult();
    }

    public static Exception? Catch(double seconds, Action call, string what) =>
        Seconds(seconds, () => { try { call(); return null; } catch (Exception e) { return e; } }, what);
}
