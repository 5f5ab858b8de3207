namespace AlexNet.Training.Studies;

/// <summary>One of the paper's claims as a runnable comparison.</summary>
/// <param name="Name">Command-line name, also the output file stem.</param>
/// <param name="Title">Heading and chart title.</param>
/// <param name="Section">Where the paper makes the claim.</param>
/// <param name="PaperClaim">The paper's number, in its words.</param>
/// <param name="Measure">What is compared.</param>
/// <param name="Colour">Trains on colour data (PCA colour augmentation needs RGB).</param>
/// <param name="PaperArm">The paper's choice.</param>
/// <param name="Alternative">The alternative; null for <see cref="StudyMeasure.TenCrop"/>, which evaluates one model twice.</param>
public sealed record Study(string Name, string Title, string Section, string PaperClaim, StudyMeasure Measure, bool Colour,
    StudyArm PaperArm, StudyArm? Alternative);
