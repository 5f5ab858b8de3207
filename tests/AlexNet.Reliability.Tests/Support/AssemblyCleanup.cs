namespace AlexNet.Reliability.Tests.Support;

[TestClass]
public static class AssemblyCleanup
{
    [AssemblyCleanup]
    public static void DeleteSharedFiles()
    {
        TinyFashionMnist.Delete();
        TestModels.Delete();
    }
}
