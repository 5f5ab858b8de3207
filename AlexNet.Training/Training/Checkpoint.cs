using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace AlexNet.Training.Training;

/// <summary>A named float tensor as stored in a checkpoint.</summary>
/// <param name="Shape">Dimensions.</param>
/// <param name="Data">Row-major values.</param>
public sealed record StoredTensor(long[] Shape, float[] Data);

/// <summary>
/// A training checkpoint: a JSON state block and named float tensors (weights, velocities, the mean image),
/// followed by a SHA-256 of everything before it so a truncated or damaged file is refused, never half-read.
/// Written to a temporary file, flushed to disk, then renamed over the old one: a crash or a full disk
/// leaves the previous checkpoint intact.
/// </summary>
public static class Checkpoint
{
    private static readonly byte[] Magic = "ALXNCKPT"u8.ToArray();
    private const int FormatVersion = 1;
    private static readonly JsonSerializerOptions Json = new()
    {
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Writes a checkpoint atomically.</summary>
    /// <param name="path">Destination file.</param>
    /// <param name="state">Serialisable training state.</param>
    /// <param name="tensors">Tensors by name.</param>
    /// <typeparam name="T">State type.</typeparam>
    public static void Save<T>(string path, T state, IEnumerable<KeyValuePair<string, StoredTensor>> tensors)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        RemoveStaleTemporaries(full);
        var tmp = $"{full}.tmp-{Environment.ProcessId}";
        try
        {
            using (var file = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
            {
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                using (var w = new BinaryWriter(new HashingStream(file, hash), Encoding.UTF8, leaveOpen: true))
                {
                    w.Write(Magic);
                    w.Write(FormatVersion);
                    var json = JsonSerializer.SerializeToUtf8Bytes(state, Json);
                    w.Write(json.Length);
                    w.Write(json);
                    var list = tensors.ToList();
                    w.Write(list.Count);
                    foreach (var (name, t) in list)
                    {
                        w.Write(name);
                        w.Write(t.Shape.Length);
                        foreach (var d in t.Shape) w.Write(d);
                        w.Write(t.Data.LongLength);
                        w.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(t.Data.AsSpan()));
                    }
                }
                file.Write(hash.GetHashAndReset());
                file.Flush(flushToDisk: true);
            }
            File.Move(tmp, full, overwrite: true);
        }
        // .NET reports EFBIG (file-size limit) as ArgumentOutOfRangeException("value"), not an IOException.
        catch (Exception e) when (e is IOException or ArgumentOutOfRangeException)
        {
            TryDelete(tmp);
            throw new IOException($"Could not write checkpoint '{full}': {e.Message}. The previous checkpoint, if any, is unchanged.", e);
        }
        catch
        {
            TryDelete(tmp);
            throw;
        }
    }

    /// <summary>Reads a checkpoint, verifying its checksum first.</summary>
    /// <param name="path">Checkpoint file.</param>
    /// <typeparam name="T">State type.</typeparam>
    /// <exception cref="InvalidDataException">The file is not a checkpoint, or is truncated or corrupt.</exception>
    public static (T State, Dictionary<string, StoredTensor> Tensors) Load<T>(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Checkpoint '{path}' does not exist.", path);
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < Magic.Length + 32 || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw new InvalidDataException($"'{path}' is not an AlexNet checkpoint (bad header, {bytes.Length} bytes).");
        var body = bytes.AsSpan(0, bytes.Length - 32);
        if (!SHA256.HashData(body).AsSpan().SequenceEqual(bytes.AsSpan(bytes.Length - 32)))
            throw new InvalidDataException($"Checkpoint '{path}' is truncated or corrupt (checksum mismatch); use an earlier checkpoint.");
        using var r = new BinaryReader(new MemoryStream(bytes, 0, body.Length), Encoding.UTF8);
        r.ReadBytes(Magic.Length);
        int version = r.ReadInt32();
        if (version != FormatVersion)
            throw new InvalidDataException($"Checkpoint '{path}' has format version {version}; this build reads {FormatVersion}.");
        var state = JsonSerializer.Deserialize<T>(r.ReadBytes(r.ReadInt32()), Json)
                    ?? throw new InvalidDataException($"Checkpoint '{path}' has an empty state block.");
        var tensors = new Dictionary<string, StoredTensor>();
        int count = r.ReadInt32();
        for (int i = 0; i < count; i++)
        {
            var name = r.ReadString();
            var shape = new long[r.ReadInt32()];
            for (int d = 0; d < shape.Length; d++) shape[d] = r.ReadInt64();
            var data = new float[r.ReadInt64()];
            r.BaseStream.ReadExactly(System.Runtime.InteropServices.MemoryMarshal.AsBytes(data.AsSpan()));
            tensors[name] = new StoredTensor(shape, data);
        }
        return (state, tensors);
    }

    /// <summary>
    /// Reads only a checkpoint's state block, without its tensors or the checksum over them; for deciding how to open a
    /// run before <see cref="Load{T}"/> verifies and reads the whole file.
    /// </summary>
    /// <param name="path">Checkpoint file.</param>
    /// <typeparam name="T">State type.</typeparam>
    /// <exception cref="InvalidDataException">The file is not a checkpoint of this format.</exception>
    public static T ReadState<T>(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Checkpoint '{path}' does not exist.", path);
        using var r = new BinaryReader(File.OpenRead(path), Encoding.UTF8);
        try
        {
            if (!r.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic))
                throw new InvalidDataException($"'{path}' is not an AlexNet checkpoint (bad header).");
            int version = r.ReadInt32();
            if (version != FormatVersion)
                throw new InvalidDataException($"Checkpoint '{path}' has format version {version}; this build reads {FormatVersion}.");
            return JsonSerializer.Deserialize<T>(r.ReadBytes(r.ReadInt32()), Json)
                   ?? throw new InvalidDataException($"Checkpoint '{path}' has an empty state block.");
        }
        catch (Exception e) when (e is EndOfStreamException or JsonException)
        {
            throw new InvalidDataException($"Checkpoint '{path}' is truncated or corrupt ({e.Message}); use an earlier checkpoint.", e);
        }
    }

    // A process killed mid-write leaves its "<file>.tmp-<pid>"; remove those whose writer is gone.
    private static void RemoveStaleTemporaries(string full)
    {
        foreach (var stale in Directory.EnumerateFiles(Path.GetDirectoryName(full)!, Path.GetFileName(full) + ".tmp-*"))
        {
            if (!int.TryParse(stale[(stale.LastIndexOf('-') + 1)..], out int pid) || pid == Environment.ProcessId) continue;
            bool alive;
            try { using var p = System.Diagnostics.Process.GetProcessById(pid); alive = !p.HasExited; }
            catch (ArgumentException) { alive = false; }
            if (!alive) TryDelete(stale);
        }
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    // Feeds everything written into the running SHA-256.
    private sealed class HashingStream(Stream inner, IncrementalHash hash) : Stream
    {
        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
        public override void Write(ReadOnlySpan<byte> buffer)
        {
            hash.AppendData(buffer);
            inner.Write(buffer);
        }
        public override void Flush() => inner.Flush();
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
