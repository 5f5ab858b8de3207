using System.Collections.Concurrent;
using AlexNet.Onnx.Imaging;

namespace AlexNet.Training.Data;

/// <summary>What <see cref="FolderPreparation.Prepare"/> did.</summary>
/// <param name="Written">Prepared copies written.</param>
/// <param name="AlreadyPresent">Images whose prepared copy already existed (a resumed run) and were left alone.</param>
/// <param name="Skipped">Files that could not be decoded, with the reason, in path order.</param>
public sealed record PreparationReport(int Written, int AlreadyPresent, IReadOnlyList<SkippedImage> Skipped);

/// <summary>
/// The paper's preparation done once, ahead of training (section 2): every image of a folder tree is scaled so
/// its shorter side is R and cut to the central R×R patch, and written as lossless PNG to the same relative path
/// under the destination (<see cref="TargetNames"/>: chelsea.png stays chelsea.png, rocket.jpg becomes rocket.png).
/// Reading the copy then needs no resampling (an R×R image passes through
/// unchanged), so full-size photos no longer starve the trainer, and its pixels equal ML.NET's IsoCrop of the
/// original. Each file is written atomically; files already prepared are kept, so an interrupted run resumes.
/// </summary>
public static class FolderPreparation
{
    /// <summary>Writes prepared copies of every image under <paramref name="source"/>.</summary>
    /// <param name="source">Root of the tree (e.g. the folder holding train/ and val/).</param>
    /// <param name="destination">Root of the copy; must not be inside <paramref name="source"/>.</param>
    /// <param name="size">R, the prepared side (256 in the paper).</param>
    /// <param name="decode">Decoding limits; the defaults when null.</param>
    /// <param name="maxDegreeOfParallelism">Threads; all cores when null.</param>
    /// <param name="progress">Receives the number of files handled so far.</param>
    public static PreparationReport Prepare(string source, string destination, int size, ImageDecodeOptions? decode = null,
        int? maxDegreeOfParallelism = null, IProgress<int>? progress = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        if (!Directory.Exists(source)) throw new DirectoryNotFoundException($"{source}: folder to prepare not found.");
        string src = Path.GetFullPath(source), dst = Path.GetFullPath(destination);
        if ((dst + Path.DirectorySeparatorChar).StartsWith(src + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new ArgumentException($"{destination}: the destination lies inside the source {source}; choose a folder outside it.", nameof(destination));

        var files = Directory.EnumerateFiles(src, "*", SearchOption.AllDirectories).Where(ImageFiles.IsImage)
            .Order(StringComparer.Ordinal).ToArray();
        var targets = TargetNames(files.Select(f => Path.GetRelativePath(src, f)).ToArray());
        int written = 0, present = 0, done = 0;
        var skipped = new ConcurrentBag<SkippedImage>();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism ?? -1 };
        Parallel.ForEach(files, parallel, file =>
        {
            string relative = Path.GetRelativePath(src, file), target = Path.Combine(dst, targets[relative]);
            // Copies named by earlier versions (every name + ".png") count as prepared too, so a resumed run adds no twins.
            if (File.Exists(target) || File.Exists(Path.Combine(dst, relative + ".png")))
            {
                Interlocked.Increment(ref present);
            }
            else
            {
                try
                {
                    using var prepared = PaperPreparation.Resize(file, size, decode);
                    PngFile.Save(prepared, target);
                    Interlocked.Increment(ref written);
                }
                catch (ImageDecodeException e)
                {
                    skipped.Add(new SkippedImage(file, e.Reason));
                }
            }
            progress?.Report(Interlocked.Increment(ref done));
        });
        return new PreparationReport(written, present, skipped.OrderBy(s => s.Path, StringComparer.Ordinal).ToArray());
    }

    /// <summary>
    /// The prepared copy's relative path for each image's relative path: the extension becomes ".png" (a PNG keeps its
    /// name). Where two images of one folder would then share a name (cat.jpg beside cat.png), the one that is not a
    /// PNG keeps its whole name and gains ".png" (cat.jpg.png), so no copy overwrites another.
    /// </summary>
    /// <param name="relativePaths">Image paths relative to the source root.</param>
    public static IReadOnlyDictionary<string, string> TargetNames(IReadOnlyList<string> relativePaths)
    {
        var byTarget = relativePaths.GroupBy(p => Path.ChangeExtension(p, ".png"), StringComparer.Ordinal);
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var group in byTarget)
            foreach (var path in group)
                names[path] = group.Count() == 1 || IsPng(path) ? group.Key : path + ".png";
        return names;
    }

    private static bool IsPng(string path) => Path.GetExtension(path).Equals(".png", StringComparison.OrdinalIgnoreCase);
}
