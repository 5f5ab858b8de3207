using System.Text;
using Microsoft.ML.Runtime;

namespace AlexNet.MLNet.Training;

/// <summary>
/// The training library's progress output (a <see cref="TextWriter"/>) turned into ML.NET log messages: each line becomes
/// one Info message on the channel, which <c>MLContext.Log</c> subscribers receive with the trainer as the source.
/// </summary>
internal sealed class ChannelWriter(IChannel channel) : TextWriter
{
    private readonly StringBuilder _line = new();

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value)
    {
        if (value == '\n') Flush();
        else if (value != '\r') _line.Append(value);
    }

    public override void Flush()
    {
        if (_line.Length == 0) return;
        channel.Info(_line.ToString());
        _line.Clear();
    }
}
