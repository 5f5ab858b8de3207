using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Runtime;

namespace AlexNet.MLNet.Training;

/// <summary>
/// What a trainer outside ML.NET needs of ML.NET 5.0.1's environment and ML.NET keeps internal (its own trainers, such as
/// Microsoft.ML.TorchSharp's, reach it as friend assemblies): the MLContext's environment behind a catalog, a SchemaShape made from a schema, whether
/// <c>MLContext.CancelExecution()</c> was called, a transforms catalog over the same environment (so the transformer
/// <c>Fit</c> returns belongs to the caller's context), and the channel's Info and Warning messages. All are found by
/// reflection once, and each fails with a message naming what was not found, should a later ML.NET move it.
/// </summary>
internal static class MLNetEnvironment
{
    private const BindingFlags Instance = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;
    private static readonly Assembly Core = typeof(IChannel).Assembly, Data = typeof(MLContext).Assembly;

    private static readonly PropertyInfo CatalogEnvironment =
        Data.GetType("Microsoft.ML.Data.IInternalCatalog")?.GetProperty("Environment") ?? throw Missing("IInternalCatalog.Environment");
    private static readonly PropertyInfo CancelledProperty =
        Core.GetType("Microsoft.ML.Runtime.ICancelable")?.GetProperty("IsCanceled") ?? throw Missing("ICancelable.IsCanceled");
    private static readonly ConstructorInfo TransformsConstructor =
        typeof(TransformsCatalog).GetConstructor(Instance, [typeof(IHostEnvironment)]) ?? throw Missing("TransformsCatalog(IHostEnvironment)");
    private static readonly MethodInfo ShapeMethod =
        typeof(SchemaShape).GetMethod("Create", BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic, [typeof(DataViewSchema)]) ?? throw Missing("SchemaShape.Create(DataViewSchema)");
    private static readonly Action<IChannel, string> InfoMethod = ChannelMethod("Info"), WarningMethod = ChannelMethod("Warning");

    /// <summary>The environment of the MLContext that owns <paramref name="catalog"/>.</summary>
    public static IHostEnvironment Of(TrainCatalogBase.CatalogInstantiatorBase catalog) => (IHostEnvironment)CatalogEnvironment.GetValue(catalog)!;

    /// <summary>True once <c>CancelExecution()</c> was called on the MLContext that owns <paramref name="env"/> (it sets the flag
    /// on its environment and every host registered under it).</summary>
    public static bool IsCancelled(IHostEnvironment env) => (bool)CancelledProperty.GetValue(env)!;

    /// <summary><c>mlContext.Transforms</c> of the MLContext that owns <paramref name="env"/>.</summary>
    public static TransformsCatalog Transforms(IHostEnvironment env) => (TransformsCatalog)TransformsConstructor.Invoke([env]);

    /// <summary>The shape of <paramref name="schema"/>: SchemaShape's columns are made only from a schema outside ML.NET.</summary>
    public static SchemaShape Shape(DataViewSchema schema) => (SchemaShape)ShapeMethod.Invoke(null, [schema])!;

    /// <summary>An Info message on the channel (MLContext.Log shows it with the trainer as its source).</summary>
    public static void Info(this IChannel channel, string message) => InfoMethod(channel, message);

    /// <summary>A Warning message on the channel.</summary>
    public static void Warning(this IChannel channel, string message) => WarningMethod(channel, message);

    private static Action<IChannel, string> ChannelMethod(string name)
    {
        var method = Core.GetType("Microsoft.ML.Runtime.HostExtensions")?.GetMethod(name, BindingFlags.Static | BindingFlags.Public, [typeof(IChannel), typeof(string)])
            ?? throw Missing($"HostExtensions.{name}(IChannel, string)");
        return method.CreateDelegate<Action<IChannel, string>>();
    }

    private static InvalidOperationException Missing(string what) =>
        new($"ML.NET {Data.GetName().Version} has no {what}, which the AlexNet trainer reads from ML.NET 5.0.1's internals; this ML.NET is not supported.");
}
