using System.Reflection;

namespace AlexNet.Samples.WebApp;

/// <summary>The one page at <c>/</c>, embedded in the assembly so it is found wherever the app is started from.</summary>
internal static class Page
{
    /// <summary>Page/index.html.</summary>
    public static string Html { get; } = Read("index.html");

    private static string Read(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"AlexNet.Samples.WebApp.Page.{name}")
            ?? throw new InvalidOperationException($"Page/{name} is not embedded in {Assembly.GetExecutingAssembly().GetName().Name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
