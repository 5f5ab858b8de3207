using static TorchSharp.torch;

namespace AlexNet.Training.Model;

/// <summary>Parses a --devices value: one device for the whole network, or one per tower.</summary>
public static class DevicePlacement
{
    /// <summary>"cpu" or "cuda" (the towers run together there, as grouped convolutions), or one device per tower such as
    /// "cuda:0,cuda:1" (the paper's placement; "cpu,cpu" keeps the towers apart on the CPU).</summary>
    /// <param name="spec">The flag value.</param>
    /// <param name="towers">Towers in the model.</param>
    /// <returns>One device, or one per tower.</returns>
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
        return devices;
    }

    /// <summary>Places the model as <see cref="Parse"/> read it: one device for all, or one per tower.</summary>
    /// <param name="model">The model.</param>
    /// <param name="devices">What <see cref="Parse"/> returned.</param>
    public static AlexNetModel Apply(AlexNetModel model, Device[] devices) =>
        devices.Length == 1 ? model.PlaceOnOneDevice(devices[0]) : model.PlaceTowers(devices);
}
