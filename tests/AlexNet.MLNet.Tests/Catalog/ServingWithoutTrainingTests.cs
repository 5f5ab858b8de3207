using System.Reflection;

namespace AlexNet.MLNet.Tests.Catalog;

/// <summary>
/// An app that only serves references AlexNet.MLNet and never loads libtorch. This test project is such an app: the
/// models <c>Trainers.AlexNet</c> saves load here through ML.NET's and AlexNet.MLNet's types alone (checked on the
/// training side, AlexNet.MLNet.Training.Tests).
/// </summary>
[TestClass]
public sealed class ServingWithoutTrainingTests
{
    private static readonly string[] TrainingAssemblies = ["TorchSharp", "AlexNet.Training", "AlexNet.MLNet.Training"];

    [TestMethod]
    public void AlexNet_MLNet_references_no_training_assembly_directly_or_through_ours()
    {
        var seen = new HashSet<string>();
        var queue = new Queue<AssemblyName>([typeof(AlexNetOptions).Assembly.GetName()]);
        while (queue.TryDequeue(out var name))
        {
            if (!seen.Add(name.Name!) || !name.Name!.StartsWith("AlexNet.", StringComparison.Ordinal)) continue;
            foreach (var reference in Assembly.Load(name).GetReferencedAssemblies()) queue.Enqueue(reference);
        }
        CollectionAssert.Contains(seen.ToList(), "AlexNet.Onnx");
        foreach (var training in TrainingAssemblies) CollectionAssert.DoesNotContain(seen.ToList(), training);
    }

    [TestMethod]
    public void The_serving_tests_output_holds_no_training_assembly_and_no_libtorch()
    {
        var files = Directory.EnumerateFiles(AppContext.BaseDirectory, "*", SearchOption.AllDirectories).Select(Path.GetFileName).ToList();
        CollectionAssert.Contains(files, "AlexNet.MLNet.dll");
        foreach (var training in TrainingAssemblies) CollectionAssert.DoesNotContain(files, training + ".dll");
        Assert.IsFalse(files.Any(f => f!.StartsWith("libtorch", StringComparison.Ordinal)), string.Join(", ", files.Where(f => f!.Contains("torch"))));
    }
}
