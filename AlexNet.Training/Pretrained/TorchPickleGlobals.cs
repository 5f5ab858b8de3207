namespace AlexNet.Training.Pretrained;

/// <summary>
/// The Python globals a weights file may name: those torch.save writes for tensors and the containers around them, as
/// torch.load(weights_only=True) allows them (torch/_weights_only_unpickler.py, <c>_get_allowed_globals</c>, PyTorch
/// 1.13): collections.OrderedDict; torch._utils' tensor and parameter rebuild functions; the storage, tensor and dtype
/// names; torch.Size, torch.Tensor, torch.nn.parameter.Parameter and torch.serialization._get_layout. A pickle is a
/// program, and a file from the internet that names anything else (posix.system, builtins.eval, …) asks for code to run
/// on load: <see cref="PickleMachine"/> never runs it, but such a file is no state dict, so it is refused by name
/// rather than read with the call kept as data.
/// </summary>
internal static class TorchPickleGlobals
{
    private static readonly string[] StorageElements =
    [
        "Float", "Double", "Half", "BFloat16", "Long", "Int", "Short", "Char", "Byte", "Bool", "ComplexFloat", "ComplexDouble",
    ];

    private static readonly string[] TensorElements = ["Float", "Double", "Half", "BFloat16", "Long", "Int", "Short", "Char", "Byte", "Bool"];

    /// <summary>Every allowed global, as "module.name".</summary>
    public static IReadOnlySet<string> Allowed { get; } = new HashSet<string>(
    [
        "collections.OrderedDict",
        "torch._utils._rebuild_tensor",
        "torch._utils._rebuild_tensor_v2",
        "torch._utils._rebuild_parameter",
        // PyTorch 2 writes parameters that carry Python attributes through this one; it allows it in weights_only too.
        "torch._utils._rebuild_parameter_with_state",
        "torch._utils._rebuild_sparse_tensor",
        "torch._utils._rebuild_sparse_csr_tensor",
        "torch._utils._rebuild_meta_tensor_no_storage",
        "torch.nn.parameter.Parameter",
        "torch.serialization._get_layout",
        "torch.Size",
        "torch.Tensor",
        "torch.storage.TypedStorage",
        "torch.storage.UntypedStorage",
        "torch.QInt32Storage", "torch.QInt8Storage", "torch.QUInt8Storage", "torch.QUInt4x2Storage", "torch.QUInt2x4Storage",
        .. StorageElements.Select(e => $"torch.{e}Storage"),
        .. StorageElements.Select(e => $"torch.cuda.{e}Storage"),
        .. TensorElements.Select(e => $"torch.{e}Tensor"),
        .. TensorElements.Select(e => $"torch.cuda.{e}Tensor"),
        .. TensorElements.Where(e => e != "Bool").Select(e => $"torch.sparse.{e}Tensor"),
        .. TensorElements.Where(e => e != "Bool").Select(e => $"torch.cuda.sparse.{e}Tensor"),
        .. new[] { "complex32", "complex64", "complex128", "float16", "float32", "float64", "bfloat16", "int8", "int16", "int32", "int64", "uint8", "bool" }
            .Select(d => $"torch.{d}"),
    ], StringComparer.Ordinal);

    /// <summary>Refuses a global outside <see cref="Allowed"/>.</summary>
    /// <param name="global">The global the pickle names.</param>
    /// <param name="at">Its opcode's offset in the pickle, for the message.</param>
    /// <exception cref="RefusedGlobalException">The global is not allowed.</exception>
    public static PyGlobal Check(PyGlobal global, int at) =>
        Allowed.Contains(global.ToString()) ? global
        : throw new RefusedGlobalException(global.ToString(),
            $"refusing global {global} (pickle byte {at}): weights files may only name the classes and functions torch.save writes for tensors " +
            "and containers (collections.OrderedDict, torch._utils._rebuild_tensor_v2, torch.FloatStorage, …), as torch.load(weights_only=True) allows; " +
            "this file asks for other code to run when it is loaded, so it was not read");
}

/// <summary>A weights file's pickle names a global that <see cref="TorchPickleGlobals"/> does not allow; the message
/// names it. Not an <see cref="InvalidDataException"/>, so that no reader along the way takes it for a damaged file and
/// tries another: <see cref="WeightFile.Read"/> turns it into one naming the file.</summary>
internal sealed class RefusedGlobalException(string global, string message) : Exception(message)
{
    /// <summary>The refused global, "module.name" (e.g. posix.system).</summary>
    public string Global { get; } = global;
}
