using static TorchSharp.torch;

namespace AlexNet.Training.Model;

/// <summary>Parses a --devices value into one device per tower.</summary>
public static class DevicePlacement
{
    /// <summary>"cpu", "cuda" (both towers on cuda:0), "cuda:0,cuda:1" (one per tower, as in the paper).</summary>
    /// <param name="spec">The flag value.</param>
    /// <param name="towers">Towers in the model.</param>
    public static Device[] Parse(string spec, int towers)
    {
        var parts = spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length != 1 && parts.Length != towers)
            throw new ArgumentException($"--devices '{spec}': give one device, or one per tower ({towers}).");
        var devices = parts.Select(p =>
        {
            if (p.StartsWith("cuda", StringComparison.OrdinalIgnoreCase) && !cuda.is_available())
                throw new ArgumentException($"--devices '{spec}': CUDA is not available in this build of TorchSharp " +
                    "(build with -p:TorchBackend=cuda on a machine with an NVIDIA driver), or use --devices cpu.");
            return new Device(p);
        }).ToArray();
        return parts.Length == 1 ? Enumerable.Repeat(devices[0], towers).ToArray() : devices;
    }
}
