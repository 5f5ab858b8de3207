using System.Runtime.InteropServices;
using AlexNet.Training.Model;

namespace AlexNet.Training.Tests.Model;

/// <summary>
/// <see cref="HugePages.Request"/> sets the variable libtorch reads in the native environment (where c10 reads it, not
/// .NET's copy), and leaves an explicit choice alone.
/// </summary>
[TestClass]
public sealed class HugePagesTests
{
    [TestMethod]
    public void RequestLeavesAnExplicitZeroAlone()
    {
        var before = Environment.GetEnvironmentVariable(HugePages.Variable);
        try
        {
            Environment.SetEnvironmentVariable(HugePages.Variable, "0");
            Assert.IsFalse(HugePages.Request());
            Assert.AreEqual("0", Environment.GetEnvironmentVariable(HugePages.Variable));
        }
        finally
        {
            Environment.SetEnvironmentVariable(HugePages.Variable, before);
        }
    }

    [TestMethod]
    public void RequestSetsTheVariableInTheNativeEnvironment()
    {
        if (!OperatingSystem.IsLinux()) Assert.Inconclusive("huge pages are requested on Linux only");
        var before = Environment.GetEnvironmentVariable(HugePages.Variable);
        if (before is not null) Assert.Inconclusive($"{HugePages.Variable}={before} is set for this test run");
        Assert.IsTrue(HugePages.Request());
        Assert.AreEqual("1", Marshal.PtrToStringAnsi(getenv(HugePages.Variable)));
    }

    [DllImport("libc", CharSet = CharSet.Ansi)]
    private static extern nint getenv(string name);
}
