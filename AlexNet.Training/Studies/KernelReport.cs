using System.Globalization;
using System.Text;
using AlexNet.Onnx.Export;
using AlexNet.Onnx.Imaging;
using AlexNet.Training.Reporting;

namespace AlexNet.Training.Studies;

/// <summary>Writes kernels-colour.png, kernels-gray.png, kernels.csv (score per kernel) and kernels.md.</summary>
public static class KernelReport
{
    /// <summary>Writes the files.</summary>
    /// <param name="o">The kernels and their scores.</param>
    /// <param name="folder">Output folder.</param>
    public static void Write(KernelOutcome o, string folder)
    {
        Directory.CreateDirectory(folder);
        using (var colour = ConvKernelGrid.Render(o.Colour.TrainedConv1)) PngFile.Save(colour, Path.Combine(folder, "kernels-colour.png"));
        using (var gray = ConvKernelGrid.Render(o.Gray.TrainedConv1)) PngFile.Save(gray, Path.Combine(folder, "kernels-gray.png"));
        var csv = new StringBuilder("tower,kernel,colourfulness_initial,colourfulness_trained\n");
        for (int t = 0; t < o.Colour.TrainedConv1.Count; t++)
        {
            var before = KernelColourfulness.PerKernel(o.Colour.InitialConv1[t]);
            var after = KernelColourfulness.PerKernel(o.Colour.TrainedConv1[t]);
            for (int k = 0; k < after.Length; k++)
                csv.Append(CultureInfo.InvariantCulture, $"{t + 1},{k},{before[k]:F6},{after[k]:F6}\n");
        }
        AtomicFile.WriteText(Path.Combine(folder, "kernels.csv"), csv.ToString());
        AtomicFile.WriteText(Path.Combine(folder, "kernels.md"), Markdown(o));
    }

    /// <summary>The report: the paper's observation, our per-tower scores, the pictures.</summary>
    /// <param name="o">The kernels and their scores.</param>
    public static string Markdown(KernelOutcome o)
    {
        var sb = new StringBuilder("# conv1 kernels per tower (Figure 3)\n\n");
        sb.AppendLine("**Paper (section 6.1, Figure 3):** the kernels on GPU 1 are largely colour-agnostic, those on GPU 2 largely colour-specific, " +
                      "and this happens in every run, independent of the initialisation.").AppendLine();
        sb.AppendLine($"**Our run:** the paper's configuration (two towers, PCA colour on) on {o.Colour.DataName}; {o.Budget.Describe()}." +
                      (o.Budget.Provenance is { } made ? " " + made : "")).AppendLine();
        sb.AppendLine("Colourfulness of a kernel w (3 × k × k) is the share of its energy off the gray axis, Σ(w − mean over R,G,B)² / Σw²: " +
                      "0 for a gray kernel, 2/3 on average for independent random channels (an untrained layer).").AppendLine();
        sb.AppendLine("The learned change (trained − initial weights) is scored too: at a small budget the trained kernels are still mostly their random start.").AppendLine();
        sb.AppendLine("| tower | kernels | mean colourfulness at init | mean colourfulness trained | median trained | kernels above 0.5 | mean colourfulness of the learned change | relative size of the change ‖Δw‖/‖w₀‖ |");
        sb.AppendLine("|---|---|---|---|---|---|---|---|");
        for (int t = 0; t < o.Colour.TrainedConv1.Count; t++)
        {
            var before = KernelColourfulness.PerKernel(o.Colour.InitialConv1[t]);
            var after = KernelColourfulness.PerKernel(o.Colour.TrainedConv1[t]);
            var sorted = after.Order().ToArray();
            var change = KernelColourfulness.Change(o.Colour.InitialConv1[t], o.Colour.TrainedConv1[t]);
            double size = Math.Sqrt(change.Data.Sum(v => (double)v * v) / o.Colour.InitialConv1[t].Data.Sum(v => (double)v * v));
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {t + 1} | {after.Length} | {before.Average():F3} | {after.Average():F3} | {sorted[sorted.Length / 2]:F3} | {after.Count(v => v > 0.5)} | {KernelColourfulness.Mean(change):F3} | {size:F3} |");
        }
        var towers = o.TowerColourfulness;
        if (towers.Count == 2)
        {
            double d = Math.Abs(towers[0].Trained - towers[1].Trained);
            sb.AppendLine().AppendLine(FormattableString.Invariant($"The towers' mean scores differ by {d:F3}. ") + (d > 0.15
                    ? "One tower is clearly more colour-specific than the other, as in the paper."
                    : "Neither tower is clearly colour-specific and the other colour-agnostic: we do not see the paper's split at this budget."));
        }
        sb.AppendLine().AppendLine("Trained conv1 on colour data (tower 1 above tower 2, each kernel scaled to its own range):").AppendLine();
        sb.AppendLine("![conv1 kernels, colour](kernels-colour.png)").AppendLine();
        sb.AppendLine($"Trained conv1 on {o.Gray.DataName} (1 channel): the kernels are gray by construction, so no colourfulness can be measured there.").AppendLine();
        sb.AppendLine("![conv1 kernels, gray](kernels-gray.png)").AppendLine();
        sb.AppendLine("Per-kernel scores: [kernels.csv](kernels.csv).");
        return sb.ToString();
    }
}
