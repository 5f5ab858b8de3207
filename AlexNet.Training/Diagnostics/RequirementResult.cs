namespace AlexNet.Training.Diagnostics;

/// <summary>Whether one requirement is met here.</summary>
/// <param name="Stack">The stack.</param>
/// <param name="Device">cpu, cuda or cuda:N.</param>
/// <param name="Usable">True when it works.</param>
/// <param name="Reason">Why not, in plain words; null when usable.</param>
public sealed record RequirementResult(Stack Stack, string Device, bool Usable, string? Reason);
