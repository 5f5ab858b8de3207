using System.Buffers.Binary;
using System.Collections;
using System.IO.Compression;
using System.Text.Json;
using AlexNet.Training.Training;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace AlexNet.Training.Pretrained;

/// <summary>
/// The formats TorchSharp.PyBridge reads: torch.save's zip archive (<see cref="PyTorchUnpickler.UnpickleStateDict(Stream, bool, bool)"/>,
/// with <see cref="TorchSaveReader"/> for the tensor layouts PyBridge refuses) and .safetensors
/// (<see cref="Safetensors.LoadStateDict(Stream, bool, List{string}?)"/>). Each file is checked here
/// first, because PyBridge answers a damaged file with bare framework errors (or, for a short .safetensors file, reads
/// zeros where the data is missing), and its tensors come back in the file's dtype, converted here to float32.
/// </summary>
internal static class PyBridgeFiles
{
    /// <summary>Reads a torch.save zip archive.</summary>
    /// <param name="path">The file.</param>
    /// <param name="tensors">Receives the float tensors by name.</param>
    /// <param name="skipped">Receives the tensors that are not floating point.</param>
    /// <exception cref="InvalidDataException">The archive is damaged or is not a state dict.</exception>
    public static void ReadZip(string path, Dictionary<string, StoredTensor> tensors, List<PretrainedNote> skipped)
    {
        using var stream = File.OpenRead(path);
        bool hasPickle;
        try
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
            hasPickle = zip.Entries.Any(e => e.Name.EndsWith("data.pkl", StringComparison.Ordinal));
            ZipCrc.Verify(zip);
        }
        catch (InvalidDataException e) { throw new InvalidDataException($"the zip archive is damaged: {e.Message}", e); }
        if (!hasPickle) throw new InvalidDataException("a zip archive without the data.pkl that torch.save writes");
        // PyBridge's unpickler (Razorvine.Pickle) keeps no list of the globals a weights file may name: what it makes of
        // another (an error, or an object it builds) is its own affair. Ours refuses them by name, so it reads the pickle first.
        TorchSaveReader.CheckGlobals(stream);

        stream.Position = 0;
        using var scope = NewDisposeScope();
        Hashtable dict;
        try { dict = PyTorchUnpickler.UnpickleStateDict(stream, leaveOpen: true); }
        // PyBridge reads each tensor's bytes straight into a new contiguous tensor, so it throws for a tensor that is
        // not one contiguous block of its own storage (with TorchSharp 0.107, "Bytes() called on non-contiguous
        // tensor" for a transposed weight). Its other errors are whatever Razorvine.Pickle, the zip reader or a cast
        // threw for a damaged file. Either way our reader, which follows sizes and strides, tries the file again, and
        // if it fails too, both say why.
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            try
            {
                TorchSaveReader.ReadZip(stream, tensors, skipped);
                return;
            }
            catch (InvalidDataException ours)
            {
                throw new InvalidDataException($"{ours.Message}; PyBridge: {e.GetType().Name}: {e.Message}", ours);
            }
        }
        foreach (DictionaryEntry entry in dict)
            Add(entry.Key as string ?? entry.Key.ToString() ?? "", entry.Value as Tensor, tensors, skipped);
    }

    /// <summary>True when the bytes start as a .safetensors file does: a little-endian header length that fits the file, then '{'.</summary>
    /// <param name="head">The file's first bytes (at least 9).</param>
    /// <param name="length">The file's length.</param>
    public static bool LooksLikeSafetensors(ReadOnlySpan<byte> head, long length) =>
        head.Length >= 9 && head[8] == (byte)'{' && BinaryPrimitives.ReadUInt64LittleEndian(head) is var n && n >= 2 && n <= (ulong)(length - 8);

    /// <summary>Reads a .safetensors file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="tensors">Receives the float tensors by name.</param>
    /// <param name="skipped">Receives the tensors that are not floating point or of a dtype PyBridge does not read.</param>
    /// <exception cref="InvalidDataException">The header is damaged or the data is cut short.</exception>
    public static void ReadSafetensors(string path, Dictionary<string, StoredTensor> tensors, List<PretrainedNote> skipped)
    {
        using var stream = File.OpenRead(path);
        var readable = CheckSafetensors(stream, skipped);
        stream.Position = 0;
        using var scope = NewDisposeScope();
        Dictionary<string, Tensor> dict;
        try { dict = Safetensors.LoadStateDict(stream, leaveOpen: true, keysToKeep: readable); }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidDataException($"PyBridge could not read the tensors ({e.GetType().Name}: {e.Message})", e);
        }
        foreach (var (name, t) in dict) Add(name, t, tensors, skipped);
    }

    // The header is JSON: name → {dtype, shape, data_offsets [begin, end)} relative to the end of the header, plus an
    // optional "__metadata__". Every tensor must fit its shape and lie inside the file; the names PyBridge can read
    // are returned, the others listed as skipped.
    private static List<string> CheckSafetensors(FileStream stream, List<PretrainedNote> skipped)
    {
        Span<byte> head = stackalloc byte[8];
        if (stream.Length < 8) throw new InvalidDataException($"too short for a .safetensors file ({stream.Length} bytes)");
        stream.ReadExactly(head);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(head);
        if (headerLength > (ulong)(stream.Length - 8) || headerLength > 100_000_000)
            throw new InvalidDataException($"the header says it is {headerLength} bytes long, the file has {stream.Length - 8} after the length; it is truncated or not a .safetensors file");
        var json = new byte[headerLength];
        stream.ReadExactly(json);
        long dataLength = stream.Length - 8 - (long)headerLength;
        var readable = new List<string>();
        try
        {
            using var header = JsonDocument.Parse(json);
            foreach (var entry in header.RootElement.EnumerateObject())
            {
                if (entry.Name == "__metadata__") continue;
                string dtype = entry.Value.GetProperty("dtype").GetString() ?? "";
                long[] shape = [.. entry.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64())];
                long[] offsets = [.. entry.Value.GetProperty("data_offsets").EnumerateArray().Select(d => d.GetInt64())];
                if (offsets is not [var begin, var end] || begin < 0 || end < begin || shape.Any(d => d < 0))
                    throw new InvalidDataException($"tensor '{entry.Name}' has invalid offsets or shape in the header");
                if (end > dataLength)
                    throw new InvalidDataException($"tensor '{entry.Name}' lies at bytes {begin}–{end} of the data, which holds only {dataLength}; the file is truncated");
                if (ElementSize(dtype) is not int size)
                {
                    skipped.Add(new(entry.Name, $"{dtype} tensor, a dtype PyBridge does not read"));
                    continue;
                }
                if (end - begin != shape.Aggregate(1L, (a, d) => a * d) * size)
                    throw new InvalidDataException($"tensor '{entry.Name}' has {end - begin} bytes for shape [{string.Join(", ", shape)}] of {dtype}");
                readable.Add(entry.Name);
            }
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"the .safetensors header is not valid JSON of the expected layout ({e.Message})", e);
        }
        return readable;
    }

    private static int? ElementSize(string dtype) => dtype switch
    {
        "F64" or "I64" => 8,
        "F32" or "I32" => 4,
        "F16" or "BF16" or "I16" => 2,
        "I8" or "U8" or "BOOL" => 1,
        _ => null,
    };

    private static void Add(string name, Tensor? t, Dictionary<string, StoredTensor> tensors, List<PretrainedNote> skipped)
    {
        if (t is null) skipped.Add(new(name, "not a tensor"));
        else if (!t.is_floating_point()) skipped.Add(new(name, WeightFile.NotFloatReason(name, t.dtype.ToString().ToLowerInvariant())));
        else
        {
            using var floats = t.to_type(ScalarType.Float32).contiguous();
            tensors[name] = new StoredTensor(t.shape, floats.data<float>().ToArray());
        }
    }
}
