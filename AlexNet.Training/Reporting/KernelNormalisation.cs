namespace AlexNet.Training.Reporting;

/// <summary>How <see cref="ConvKernelGrid"/> maps weights to grey levels or colours.</summary>
public enum KernelNormalisation
{
    /// <summary>Each kernel's own minimum and maximum (over all its input channels) map to 0 and 255: every kernel's shape is visible.</summary>
    PerKernel,
    /// <summary>One minimum and maximum over the whole layer: kernels keep their relative strength, weak ones look flat.</summary>
    Global,
}
