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
        CheckHeader(path, bytes.Length, bytes);
        var body = bytes.AsSpan(0, bytes.Length - 32);
        CheckSum(path, SHA256.HashData(body), bytes.AsSpan(bytes.Length - 32));
        using var r = new BinaryReader(new MemoryStream(bytes, 0, body.Length), Encoding.UTF8);
        r.ReadBytes(Magic.Length);
        var state = ReadStateBlock<T>(path, r);
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
    /// Reads only a checkpoint's state block, with the same checks as <see cref="Load{T}"/> (the checksum is computed
    /// while streaming), for deciding how to open a run before the whole file is loaded.
    /// </summary>
    /// <param name="path">Checkpoint file.</param>
    /// <typeparam name="T">State type.</typeparam>
    /// <exception cref="InvalidDataException">The file is not a checkpoint, or is truncated or corrupt.</exception>
    public static T ReadState<T>(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Checkpoint '{path}' does not exist.", path);
        using var file = File.OpenRead(path);
        var head = new byte[Math.Min(file.Length, Magic.Length)];
        file.ReadExactly(head);
        CheckHeader(path, file.Length, head);
        file.Position = 0;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 20];
        for (long left = file.Length - 32; left > 0;)
        {
            int n = (int)Math.Min(buffer.Length, left);
            file.ReadExactly(buffer, 0, n); // a file cut short while we read throws instead of looping on 0-byte reads
            hash.AppendData(buffer, 0, n);
            left -= n;
        }
        var stored = new byte[32];
        file.ReadExactly(stored);
        CheckSum(path, hash.GetHashAndReset(), stored);
        file.Position = Magic.Length;
        using var r = new BinaryReader(file, Encoding.UTF8, leaveOpen: true);
        return ReadStateBlock<T>(path, r);
    }

    private static void CheckHeader(string path, long length, ReadOnlySpan<byte> bytes)
    {
        if (length < Magic.Length + 32 || !bytes[..Magic.Length].SequenceEqual(Magic))
            throw new InvalidDataException($"'{path}' is not an AlexNet checkpoint (bad header, {length} bytes).");
    }

    private static void CheckSum(string path, ReadOnlySpan<byte> computed, ReadOnlySpan<byte> stored)
    {
        if (!computed.SequenceEqual(stored))
            throw new InvalidDataException($"Checkpoint '{path}' is truncated or corrupt (checksum mismatch); use an earlier checkpoint.");
    }

    private static T ReadStateBlock<T>(string path, BinaryReader r)
    {
        int version = r.ReadInt32();
        if (version != FormatVersion)
            throw new InvalidDataException($"Checkpoint '{path}' has format version {version}; this build reads {FormatVersion}.");
        return JsonSerializer.Deserialize<T>(r.ReadBytes(r.ReadInt32()), Json)
               ?? throw new InvalidDataException($"Checkpoint '{path}' has an empty state block.");
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
