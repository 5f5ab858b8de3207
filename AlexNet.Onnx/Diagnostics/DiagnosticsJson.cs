using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace AlexNet.Onnx.Diagnostics;

/// <summary>JSON settings for diagnostics reports: camelCase names, enums as text, indented.</summary>
public static class DiagnosticsJson
{
    /// <summary>The serializer options.</summary>
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // paths such as libstdc++ stay readable
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>Serializes a report.</summary>
    /// <typeparam name="T">The report type.</typeparam>
    /// <param name="report">The report.</param>
    public static string Serialize<T>(T report) => JsonSerializer.Serialize(report, Options);
}
