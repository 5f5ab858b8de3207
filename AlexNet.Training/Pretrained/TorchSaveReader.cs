using System.Buffers.Binary;
using System.IO.Compression;
using System.Numerics;
using System.Text;
using AlexNet.Training.Training;

namespace AlexNet.Training.Pretrained;

/// <summary>
/// Reads state dicts that torch.save wrote, with <see cref="PickleMachine"/> rather than Python. TorchSharp.PyBridge
/// reads the zip format, but refuses the legacy format outright ("saved using the old PyTorch format and isn't
/// supported") and, in the zip format, tensors that are not one contiguous block of their own storage (a transposed
/// weight, a slice of a larger tensor); its tensor constructor sits in Razorvine.Pickle's process-wide registry where a
/// second reader cannot use it. So this reader does the legacy format, and the zip format where PyBridge gives up.
/// <para>Both formats pickle the object with each tensor as a call of torch._utils._rebuild_tensor_v2(storage,
/// offset, size, stride, …), the storage a persistent id ('storage', torch.FloatStorage, key, location, element
/// count[, view]). The zip format keeps that pickle in data.pkl and storage <i>key</i>'s raw little-endian elements in
/// data/<i>key</i>. The legacy format is five pickles in a row — the magic number, the protocol version (1001), a
/// dict of system facts (byte order), the object, and the sorted list of storage keys — then each storage in that
/// order as an int64 element count and its raw elements (torch/serialization.py, _legacy_save).</para>
/// </summary>
internal static class TorchSaveReader
{
    private static readonly BigInteger MagicNumber = BigInteger.Parse("119547037146038801333356", System.Globalization.CultureInfo.InvariantCulture); // 0x1950a86a20f9469cfc6c
    private const long ProtocolVersion = 1001;

    /// <summary>True when the bytes start as a pickle does (PROTO 2–5), as the legacy format's first pickle does.</summary>
    /// <param name="head">The file's first bytes.</param>
    public static bool LooksLikeLegacy(ReadOnlySpan<byte> head) => head.Length >= 2 && head[0] == 0x80 && head[1] is >= 2 and <= 5;

    /// <summary>Reads a legacy-format file's float tensors; integer and other entries go to <paramref name="skipped"/>.</summary>
    /// <param name="bytes">The whole file.</param>
    /// <param name="tensors">Receives the float tensors (converted to float32) by name.</param>
    /// <param name="skipped">Receives the entries that are not float tensors, with the reason.</param>
    /// <exception cref="InvalidDataException">The file is not a legacy torch.save file, is truncated, or holds no state dict.</exception>
    public static void ReadLegacy(byte[] bytes, Dictionary<string, StoredTensor> tensors, List<PretrainedNote> skipped)
    {
        var magic = new PickleMachine(bytes, 0);
        if (magic.Load() is not BigInteger m || m != MagicNumber)
            throw new InvalidDataException("a pickle, but not one torch.save wrote (its magic number is missing)");
        var version = new PickleMachine(bytes, magic.Position);
        if (version.Load() is not long v || v != ProtocolVersion)
            throw new InvalidDataException($"torch.save's legacy format with an unknown protocol version (this reader knows {ProtocolVersion})");
        var system = new PickleMachine(bytes, version.Position);
        if (system.Load() is OrderedDictionary<object, object?> facts && facts.TryGetValue("little_endian", out var little) && little is false)
            throw new InvalidDataException("written on a big-endian machine, which this reader does not convert");

        var storages = new Dictionary<string, Storage>(StringComparer.Ordinal);
        var body = new PickleMachine(bytes, system.Position)
        {
            PersistentLoad = pid => StorageOf(pid, storages),
            Reduce = Rebuild,
        };
        var root = body.Load();
        var keyList = new PickleMachine(bytes, body.Position);
        if (keyList.Load() is not List<object?> keys)
            throw new InvalidDataException("the list of storage keys after the state dict is missing");

        long at = keyList.Position;
        foreach (var key in keys)
        {
            if (key is not string k || !storages.TryGetValue(k, out var storage))
                throw new InvalidDataException($"the data section lists storage '{key}', which no tensor refers to");
            if (bytes.Length - at < 8) throw Truncated(k, at, bytes.Length);
            long count = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan((int)at, 8));
            long size = count * storage.Type.ElementSize;
            if (count < 0 || count != storage.Count) throw new InvalidDataException($"storage '{k}' holds {count} elements where its tensor expects {storage.Count}");
            if (bytes.Length - at - 8 < size) throw Truncated(k, at, bytes.Length);
            (storage.Bytes, storage.Offset) = (bytes, at + 8);
            at += 8 + size;
        }
        Collect(root, tensors, skipped);
    }

    /// <summary>Reads a zip-format file's float tensors; integer and other entries go to <paramref name="skipped"/>.</summary>
    /// <param name="stream">The file, positioned anywhere; left open.</param>
    /// <param name="tensors">Receives the float tensors (converted to float32) by name.</param>
    /// <param name="skipped">Receives the entries that are not float tensors, with the reason.</param>
    /// <exception cref="InvalidDataException">The archive is damaged or holds no state dict.</exception>
    public static void ReadZip(Stream stream, Dictionary<string, StoredTensor> tensors, List<PretrainedNote> skipped)
    {
        stream.Position = 0;
        using var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        var pickle = zip.Entries.FirstOrDefault(e => e.FullName == "data.pkl" || e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal))
            ?? throw new InvalidDataException("a zip archive without the data.pkl that torch.save writes");
        // Every entry sits in one folder named after the file when it was saved ("alexnet/data.pkl", "alexnet/data/0").
        string folder = pickle.FullName[..^"data.pkl".Length];
        if (zip.GetEntry(folder + "byteorder") is { } order && Encoding.ASCII.GetString(ReadEntry(order)) == "big")
            throw new InvalidDataException("written on a big-endian machine, which this reader does not convert");

        var storages = new Dictionary<string, Storage>(StringComparer.Ordinal);
        var root = new PickleMachine(ReadEntry(pickle), 0)
        {
            PersistentLoad = pid => StorageOf(pid, storages),
            Reduce = Rebuild,
        }.Load();
        foreach (var (key, storage) in storages)
        {
            var entry = zip.GetEntry($"{folder}data/{key}") ?? throw new InvalidDataException($"the archive lacks data/{key}, the data of a tensor");
            var bytes = ReadEntry(entry);
            if (bytes.LongLength < storage.Count * storage.Type.ElementSize)
                throw new InvalidDataException($"data/{key} holds {bytes.LongLength} bytes where its tensor needs {storage.Count} × {storage.Type.ElementSize}");
            (storage.Bytes, storage.Offset) = (bytes, 0);
        }
        Collect(root, tensors, skipped);
    }

    /// <summary>Runs a zip-format file's pickle (data.pkl) through <see cref="PickleMachine"/> without reading any tensor,
    /// so that a global outside <see cref="TorchPickleGlobals"/> is refused before another reader (PyBridge) sees the file.</summary>
    /// <param name="stream">The file, positioned anywhere; left open.</param>
    /// <exception cref="RefusedGlobalException">The pickle names a global that a weights file may not.</exception>
    /// <exception cref="InvalidDataException">The archive or its pickle is damaged.</exception>
    public static void CheckGlobals(Stream stream)
    {
        stream.Position = 0;
        using var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        var pickle = zip.Entries.FirstOrDefault(e => e.FullName == "data.pkl" || e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal))
            ?? throw new InvalidDataException("a zip archive without the data.pkl that torch.save writes");
        new PickleMachine(ReadEntry(pickle), 0) { PersistentLoad = pid => pid }.Load();
    }

    private static byte[] ReadEntry(ZipArchiveEntry entry)
    {
        if (entry.Length > Array.MaxLength) throw new InvalidDataException($"{entry.FullName} is over 2 GB, which this reader does not read");
        var bytes = new byte[entry.Length];
        using var data = entry.Open();
        data.ReadExactly(bytes);
        return bytes;
    }

    private static void Collect(object? root, Dictionary<string, StoredTensor> tensors, List<PretrainedNote> skipped)
    {
        if (root is PyObject o)
            throw new InvalidDataException($"it holds a pickled {o.Type} object, not a state dict (save model.state_dict() instead of the model)");
        if (root is not OrderedDictionary<object, object?> dict)
            throw new InvalidDataException($"it holds a {root?.GetType().Name ?? "None"}, not a state dict (a dict of tensors)");
        foreach (var (key, value) in dict)
        {
            string name = key as string ?? key.ToString() ?? "";
            if (value is not Tensor t) skipped.Add(new(name, "not a tensor"));
            else if (t.Storage.Bytes is null) throw new InvalidDataException($"tensor '{name}' refers to a storage that is not in the file");
            else if (!t.Storage.Type.IsFloat) skipped.Add(new(name, WeightFile.NotFloatReason(name, t.Storage.Type.Name)));
            else tensors[name] = new StoredTensor(t.Shape, t.ToFloats());
        }
    }

    private static InvalidDataException Truncated(string key, long at, long length) =>
        new($"the file ends inside the data of storage '{key}' (byte {at} of {length}); it is truncated");

    private static Storage StorageOf(object? pid, Dictionary<string, Storage> storages)
    {
        if (pid is not object?[] { Length: >= 5 } id || id[0] is not "storage")
            throw new InvalidDataException($"it refers to a {(pid is object?[] { Length: > 0 } p ? p[0] : pid)} object by persistent id, which a state dict does not (a whole pickled model?)");
        if (id[1] is not PyGlobal type || id[2] is not string key || id[4] is not long count)
            throw new InvalidDataException("a storage reference of an unknown layout");
        if (id.Length > 5 && id[5] is not null)
            throw new InvalidDataException($"storage '{key}' is a view of another storage, which only very old PyTorch wrote; re-save it with a current PyTorch");
        if (!storages.TryGetValue(key, out var storage))
            storages[key] = storage = new Storage(StorageType.Of(type), count);
        return storage;
    }

    // torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad, backward_hooks[, metadata]) and the
    // older _rebuild_tensor(storage, offset, size, stride) give tensors; collections.OrderedDict gives the state dict and
    // the (empty) hooks. Nothing else is called: it stays a PyObject.
    private static object? Rebuild(PyGlobal g, object?[] args)
    {
        if (g is { Module: "collections", Name: "OrderedDict" }) return new OrderedDictionary<object, object?>();
        if (g is { Module: "torch._utils", Name: "_rebuild_tensor_v2" or "_rebuild_tensor" })
        {
            if (args is not [Storage storage, long offset, object?[] size, object?[] stride, ..])
                throw new InvalidDataException($"a call of {g} with unexpected arguments");
            return new Tensor(storage, offset, [.. size.Select(Dimension)], [.. stride.Select(Dimension)]);
        }
        if (g is { Module: "torch._utils", Name: "_rebuild_parameter" or "_rebuild_parameter_with_state" })
            return args.Length > 0 && args[0] is Tensor t ? t : throw new InvalidDataException($"a call of {g} with unexpected arguments");
        return new PyObject(g, args);
    }

    private static long Dimension(object? value) => value as long? ?? throw new InvalidDataException("a tensor size or stride that is not an integer");

    private sealed record StorageType(string Name, int ElementSize, Func<ReadOnlySpan<byte>, float>? Read)
    {
        public bool IsFloat => Read != null;

        public static StorageType Of(PyGlobal type) => type.Module == "torch" ? type.Name switch
        {
            "FloatStorage" => new("float32", 4, b => BinaryPrimitives.ReadSingleLittleEndian(b)),
            "DoubleStorage" => new("float64", 8, b => (float)BinaryPrimitives.ReadDoubleLittleEndian(b)),
            "HalfStorage" => new("float16", 2, b => (float)BinaryPrimitives.ReadHalfLittleEndian(b)),
            // bfloat16 is the upper half of a float32.
            "BFloat16Storage" => new("bfloat16", 2, b => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(b) << 16)),
            "LongStorage" => new("int64", 8, null),
            "IntStorage" => new("int32", 4, null),
            "ShortStorage" => new("int16", 2, null),
            "CharStorage" => new("int8", 1, null),
            "ByteStorage" => new("uint8", 1, null),
            "BoolStorage" => new("bool", 1, null),
            "ComplexFloatStorage" => new("complex64", 8, null),
            "ComplexDoubleStorage" => new("complex128", 16, null),
            _ => throw Unknown(type),
        } : throw Unknown(type);

        // Without its element size the storages after it cannot be found, so an unknown type ends the read.
        private static InvalidDataException Unknown(PyGlobal type) => new($"a storage of type {type}, which this reader does not know");
    }

    private sealed class Storage(StorageType type, long count)
    {
        public StorageType Type { get; } = type;
        public long Count { get; } = count;
        /// <summary>The bytes holding its elements (the whole legacy file, or its zip entry); null until they are read.</summary>
        public byte[]? Bytes { get; set; }
        /// <summary>Where its first element lies in <see cref="Bytes"/>.</summary>
        public long Offset { get; set; }
    }

    private sealed class Tensor(Storage storage, long offset, long[] shape, long[] stride)
    {
        public Storage Storage { get; } = storage;
        public long[] Shape => shape;

        // Element i of the result is storage[offset + Σ index_d · stride_d], as torch's as_strided reads it.
        public float[] ToFloats()
        {
            var bytes = Storage.Bytes!;
            if (shape.Length != stride.Length || shape.Any(d => d < 0) || stride.Any(s => s < 0))
                throw new InvalidDataException("a tensor with an invalid size or stride");
            long count = shape.Aggregate(1L, (a, d) => a * d);
            if (count == 0) return [];
            long last = offset + shape.Zip(stride, (d, s) => (d - 1) * s).Sum();
            if (offset < 0 || last >= Storage.Count) throw new InvalidDataException("a tensor that reaches past the end of its storage");
            int size = Storage.Type.ElementSize;
            var result = new float[count];
            // The usual case, a contiguous float32 tensor, is a plain copy.
            if (size == 4 && Storage.Type.Name == "float32" && BitConverter.IsLittleEndian && IsContiguous())
            {
                System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes.AsSpan((int)(Storage.Offset + offset * 4), (int)(count * 4))).CopyTo(result);
                return result;
            }
            var read = Storage.Type.Read!;
            var index = new long[shape.Length];
            long source = offset;
            for (long i = 0; i < count; i++)
            {
                result[i] = read(bytes.AsSpan((int)(Storage.Offset + source * size), size));
                for (int d = shape.Length - 1; d >= 0; d--)
                {
                    source += stride[d];
                    if (++index[d] < shape[d]) break;
                    source -= shape[d] * stride[d];
                    index[d] = 0;
                }
            }
            return result;
        }

        private bool IsContiguous()
        {
            long expected = 1;
            for (int d = shape.Length - 1; d >= 0; d--)
            {
                if (shape[d] != 1 && stride[d] != expected) return false;
                expected *= shape[d];
            }
            return true;
        }
    }
}
