using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace AlexNet.Training.Pretrained;

/// <summary>A Python global (a class or function) named in a pickle, never looked up or run.</summary>
/// <param name="Module">Module, e.g. "torch._utils".</param>
/// <param name="Name">Name in the module, e.g. "_rebuild_tensor_v2".</param>
internal sealed record PyGlobal(string Module, string Name)
{
    public override string ToString() => $"{Module}.{Name}";
}

/// <summary>An object the pickle builds by calling a global we do not model: kept as its class, arguments and state.</summary>
internal sealed class PyObject(PyGlobal type, object?[] args)
{
    public PyGlobal Type { get; } = type;
    public object?[] Args { get; } = args;
    public object? State { get; set; }
}

/// <summary>
/// A small pickle virtual machine: it rebuilds lists, tuples, dicts, numbers and strings, and turns every call of a
/// global into data (<see cref="PyObject"/>, or what <see cref="Reduce"/> makes of it) instead of running code. Only
/// the globals torch.save writes for tensors and containers may be named (<see cref="TorchPickleGlobals"/>, as
/// torch.load(weights_only=True)); any other is refused by name where the pickle names it, before anything is built.
/// Enough for what torch.save writes (protocol 2, the default) and for protocols 0–5; out-of-band buffers and the
/// extension registry are refused.
/// </summary>
internal sealed class PickleMachine(byte[] data, int start)
{
    private readonly List<object?> stack = [];
    private readonly Stack<int> marks = new();
    private readonly Dictionary<long, object?> memo = [];
    private int pos = start;

    /// <summary>Offset just past the STOP of the last pickle read.</summary>
    public int Position => pos;

    /// <summary>Turns a persistent id (torch's storage references) into a value.</summary>
    public Func<object?, object?> PersistentLoad { get; init; } =
        _ => throw new InvalidDataException("the pickle refers to external data (a persistent id) where none was expected");

    /// <summary>Builds the value of a call of <c>Callable(*Args)</c> (REDUCE and NEWOBJ); the default keeps it as data.</summary>
    public Func<PyGlobal, object?[], object?> Reduce { get; init; } = (g, args) => new PyObject(g, args);

    /// <summary>Reads one pickle, from the current position to its STOP.</summary>
    /// <exception cref="InvalidDataException">The bytes end early or are not a pickle.</exception>
    public object? Load()
    {
        stack.Clear();
        marks.Clear();
        memo.Clear();
        while (true)
        {
            int at = pos;
            byte op = Byte();
            switch (op)
            {
                case (byte)'.': // STOP
                    if (stack.Count != 1) throw Bad(at, $"STOP with {stack.Count} values on the stack");
                    return stack[0];
                case 0x80: // PROTO
                    if (Byte() > 5) throw Bad(at, "pickle protocol above 5");
                    break;
                case 0x95: Take(8); break; // FRAME: a length hint, the opcodes follow as usual
                case (byte)'(': marks.Push(stack.Count); break; // MARK
                case (byte)'0': Pop(at); break; // POP
                case (byte)'1': PopMark(at); break; // POP_MARK
                case (byte)'2': stack.Add(Top(at)); break; // DUP
                case (byte)'N': stack.Add(null); break;
                case 0x88: stack.Add(true); break; // NEWTRUE
                case 0x89: stack.Add(false); break; // NEWFALSE
                case (byte)'K': stack.Add((long)Byte()); break; // BININT1
                case (byte)'M': stack.Add((long)BinaryPrimitives.ReadUInt16LittleEndian(Take(2))); break; // BININT2
                case (byte)'J': stack.Add((long)BinaryPrimitives.ReadInt32LittleEndian(Take(4))); break; // BININT
                case 0x8a: stack.Add(Long(Take(Byte()))); break; // LONG1
                case 0x8b: stack.Add(Long(Take(Length4(at)))); break; // LONG4
                case (byte)'I': stack.Add(TextInt(at, Line())); break; // INT
                case (byte)'L': stack.Add(TextLong(at, Line())); break; // LONG
                case (byte)'G': stack.Add(BinaryPrimitives.ReadDoubleBigEndian(Take(8))); break; // BINFLOAT
                case (byte)'F': stack.Add(double.Parse(Line(), CultureInfo.InvariantCulture)); break; // FLOAT
                case (byte)'X': stack.Add(Utf8(Take(Length4(at)))); break; // BINUNICODE
                case 0x8c: stack.Add(Utf8(Take(Byte()))); break; // SHORT_BINUNICODE
                case 0x8d: stack.Add(Utf8(Take(Length8(at)))); break; // BINUNICODE8
                case (byte)'V': stack.Add(Line()); break; // UNICODE (raw-unicode-escape; names and keys are ASCII)
                case (byte)'T': stack.Add(Latin1(Take(Length4(at)))); break; // BINSTRING
                case (byte)'U': stack.Add(Latin1(Take(Byte()))); break; // SHORT_BINSTRING
                case (byte)'S': stack.Add(Line().Trim('\'', '"')); break; // STRING
                case (byte)'B': stack.Add(Take(Length4(at)).ToArray()); break; // BINBYTES
                case (byte)'C': stack.Add(Take(Byte()).ToArray()); break; // SHORT_BINBYTES
                case 0x8e: stack.Add(Take(Length8(at)).ToArray()); break; // BINBYTES8
                case 0x96: stack.Add(Take(Length8(at)).ToArray()); break; // BYTEARRAY8
                case (byte)')': stack.Add(Array.Empty<object?>()); break; // EMPTY_TUPLE
                case 0x85: stack.Add(Pops(at, 1)); break; // TUPLE1
                case 0x86: stack.Add(Pops(at, 2)); break; // TUPLE2
                case 0x87: stack.Add(Pops(at, 3)); break; // TUPLE3
                case (byte)'t': stack.Add(PopMark(at).ToArray()); break; // TUPLE
                case (byte)']': stack.Add(new List<object?>()); break; // EMPTY_LIST
                case (byte)'l': stack.Add(PopMark(at)); break; // LIST
                case (byte)'a': Append(at, [Pop(at)]); break; // APPEND
                case (byte)'e': Append(at, PopMark(at)); break; // APPENDS
                case (byte)'}': stack.Add(new OrderedDictionary<object, object?>()); break; // EMPTY_DICT
                case (byte)'d': // DICT
                    var dict = new OrderedDictionary<object, object?>();
                    SetItems(at, dict, PopMark(at));
                    stack.Add(dict);
                    break;
                case (byte)'s': { var pair = Pops(at, 2); SetItems(at, Top(at), pair); break; } // SETITEM
                case (byte)'u': { var items = PopMark(at); SetItems(at, Top(at), items); break; } // SETITEMS
                case 0x8f: stack.Add(new List<object?>()); break; // EMPTY_SET, kept as a list
                case 0x90: Append(at, PopMark(at)); break; // ADDITEMS
                case 0x91: stack.Add(PopMark(at)); break; // FROZENSET
                case (byte)'c': stack.Add(TorchPickleGlobals.Check(new PyGlobal(Line(), Line()), at)); break; // GLOBAL
                case 0x93: // STACK_GLOBAL
                    var parts = Pops(at, 2);
                    stack.Add(TorchPickleGlobals.Check(new PyGlobal(Text(at, parts[0]), Text(at, parts[1])), at));
                    break;
                case (byte)'R': // REDUCE
                case 0x81: // NEWOBJ
                {
                    var args = Pop(at) as object?[] ?? throw Bad(at, "a call whose arguments are not a tuple");
                    stack.Add(Call(at, Pop(at), args));
                    break;
                }
                case 0x92: // NEWOBJ_EX
                {
                    var both = Pops(at, 3);
                    stack.Add(Call(at, both[0], both[1] as object?[] ?? throw Bad(at, "a call whose arguments are not a tuple")));
                    break;
                }
                case (byte)'i': // INST
                {
                    var type = TorchPickleGlobals.Check(new PyGlobal(Line(), Line()), at);
                    stack.Add(Reduce(type, PopMark(at).ToArray()));
                    break;
                }
                case (byte)'o': // OBJ
                {
                    var items = PopMark(at);
                    if (items.Count == 0) throw Bad(at, "OBJ without a class");
                    stack.Add(Call(at, items[0], items.Skip(1).ToArray()));
                    break;
                }
                case (byte)'b': // BUILD: instance state; dicts (torch's OrderedDict with _metadata) keep only their items
                {
                    var state = Pop(at);
                    if (Top(at) is PyObject o) o.State = state;
                    break;
                }
                case (byte)'Q': stack.Add(PersistentLoad(Pop(at))); break; // BINPERSID
                case (byte)'P': stack.Add(PersistentLoad(Line())); break; // PERSID
                case (byte)'q': memo[Byte()] = Top(at); break; // BINPUT
                case (byte)'r': memo[BinaryPrimitives.ReadUInt32LittleEndian(Take(4))] = Top(at); break; // LONG_BINPUT
                case (byte)'p': memo[TextLong(at, Line())] = Top(at); break; // PUT
                case 0x94: memo[memo.Count] = Top(at); break; // MEMOIZE
                case (byte)'h': stack.Add(Memo(at, Byte())); break; // BINGET
                case (byte)'j': stack.Add(Memo(at, BinaryPrimitives.ReadUInt32LittleEndian(Take(4)))); break; // LONG_BINGET
                case (byte)'g': stack.Add(Memo(at, TextLong(at, Line()))); break; // GET
                default:
                    throw Bad(at, $"opcode 0x{op:x2}, which a torch.save pickle does not use");
            }
        }
    }

    private object? Call(int at, object? callable, object?[] args) =>
        callable is PyGlobal g ? Reduce(g, args) : throw Bad(at, "a call of something that is not a global");

    private static void SetItems(int at, object? target, IReadOnlyList<object?> items)
    {
        if (items.Count % 2 != 0) throw Bad(at, "an odd number of dict items");
        if (target is OrderedDictionary<object, object?> dict)
            for (int i = 0; i < items.Count; i += 2)
                dict[items[i] ?? throw Bad(at, "a dict key that is None")] = items[i + 1];
        // Items set on a modelled object (a dict subclass) carry nothing we read.
        else if (target is not PyObject) throw Bad(at, "items set on something that is not a dict");
    }

    private void Append(int at, IReadOnlyList<object?> items)
    {
        if (Top(at) is List<object?> list) list.AddRange(items);
        else if (Top(at) is not PyObject) throw Bad(at, "items appended to something that is not a list");
    }

    private object? Memo(int at, long key) =>
        memo.TryGetValue(key, out var value) ? value : throw Bad(at, $"memo entry {key} read before it was written");

    private object? Top(int at, int depth = 1) =>
        stack.Count >= depth ? stack[^depth] : throw Bad(at, "the stack is empty");

    private object? Pop(int at)
    {
        if (stack.Count == 0 || (marks.Count > 0 && marks.Peek() == stack.Count)) throw Bad(at, "the stack is empty");
        var value = stack[^1];
        stack.RemoveAt(stack.Count - 1);
        return value;
    }

    private object?[] Pops(int at, int count)
    {
        if (stack.Count < count) throw Bad(at, "the stack is empty");
        var values = stack.GetRange(stack.Count - count, count).ToArray();
        stack.RemoveRange(stack.Count - count, count);
        return values;
    }

    private List<object?> PopMark(int at)
    {
        if (marks.Count == 0) throw Bad(at, "no MARK");
        int from = marks.Pop();
        var items = stack.GetRange(from, stack.Count - from);
        stack.RemoveRange(from, stack.Count - from);
        return items;
    }

    private byte Byte() => pos < data.Length ? data[pos++] : throw Ended();

    private ReadOnlySpan<byte> Take(long count)
    {
        if (count < 0 || count > data.Length - pos) throw Ended();
        var span = data.AsSpan(pos, (int)count);
        pos += (int)count;
        return span;
    }

    private int Length4(int at)
    {
        long n = BinaryPrimitives.ReadUInt32LittleEndian(Take(4));
        return n <= int.MaxValue ? (int)n : throw Bad(at, "a string longer than 2 GB");
    }

    private long Length8(int at)
    {
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(Take(8));
        return n <= int.MaxValue ? (long)n : throw Bad(at, "a string longer than 2 GB");
    }

    private string Line()
    {
        int end = Array.IndexOf(data, (byte)'\n', pos);
        if (end < 0) throw Ended();
        var line = Encoding.ASCII.GetString(data, pos, end - pos);
        pos = end + 1;
        return line;
    }

    private static object Long(ReadOnlySpan<byte> bytes)
    {
        var value = new BigInteger(bytes, isUnsigned: false, isBigEndian: false);
        return value >= long.MinValue && value <= long.MaxValue ? (long)value : value;
    }

    private static object TextInt(int at, string text) => text switch
    {
        "01" => true,
        "00" => false,
        _ => TextLong(at, text),
    };

    private static long TextLong(int at, string text) =>
        long.TryParse(text.TrimEnd('L'), NumberStyles.Integer, CultureInfo.InvariantCulture, out long value) ? value : throw Bad(at, $"'{text}' is not an integer");

    private static string Text(int at, object? value) => value as string ?? throw Bad(at, "a global whose name is not a string");
    private static string Utf8(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);
    private static string Latin1(ReadOnlySpan<byte> bytes) => Encoding.Latin1.GetString(bytes);

    private InvalidDataException Ended() => new($"the file ends inside a pickle (at byte {pos} of {data.Length}); it is truncated");
    private static InvalidDataException Bad(int at, string what) => new($"the pickle is damaged at byte {at}: {what}");
}
