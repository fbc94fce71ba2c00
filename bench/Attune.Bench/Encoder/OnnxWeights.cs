using System.Text;

namespace Attune.Bench.Encoder;

/// <summary>
/// STOPGAP for the benchmark only, until src/Transformers/Bert's ONNX loading is on main: the float32 initializers of
/// an ONNX model with Hugging Face names. A protobuf field walker (ModelProto.graph = 7; GraphProto.node = 1,
/// initializer = 5; NodeProto input = 1, output = 2, op_type = 4; TensorProto dims = 1, data_type = 2, name = 8,
/// raw_data = 9). The Linear weights with numeric names are renamed from the graph (MatMul(x, W) feeding
/// Add(&lt;layer&gt;.bias, …) gives &lt;layer&gt;.weight) and transposed back from [in, out] to [out, in].
/// The same recipe as bench/pytorch/minilm_finetune.py.
/// </summary>
internal static class OnnxWeights
{
    public sealed record Weights(Dictionary<string, (long[] Shape, float[] Data)> Tensors, int Initializers, int RenamedLinear, int UnmappedFloat2D);

    private sealed record Node(string Op, List<string> Inputs, List<string> Outputs);

    public static Weights Read(byte[] model)
    {
        var raw = new Dictionary<string, (long[] Shape, int Type, ReadOnlyMemory<byte> Data)>(StringComparer.Ordinal);
        var nodes = new List<Node>();
        foreach (var (field, graph) in Fields(model))
        {
            if (field != 7) continue;
            foreach (var (gf, value) in Fields(graph))
            {
                if (gf == 1) nodes.Add(ReadNode(value));
                else if (gf == 5) { var (name, shape, type, data) = ReadTensor(value); raw[name] = (shape, type, data); }
            }
        }
        var producedBy = new Dictionary<string, Node>(StringComparer.Ordinal);
        foreach (var n in nodes) foreach (var o in n.Outputs) producedBy[o] = n;

        var tensors = new Dictionary<string, (long[], float[])>(StringComparer.Ordinal);
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in nodes.Where(n => n.Op == "Add"))
        {
            var bias = node.Inputs.FirstOrDefault(i => i.EndsWith(".bias", StringComparison.Ordinal) && raw.ContainsKey(i));
            var other = node.Inputs.FirstOrDefault(i => i != bias);
            if (bias is null || other is null || !producedBy.TryGetValue(other, out var mm)) continue;
            if (mm.Op != "MatMul" || mm.Inputs.Count != 2 || !raw.TryGetValue(mm.Inputs[1], out var w) || w.Shape.Length != 2 || w.Type != 1) continue;
            var data = Floats(w.Data.Span);
            long rows = w.Shape[0], cols = w.Shape[1];
            var transposed = new float[data.Length];
            for (long r = 0; r < rows; r++)
                for (long c = 0; c < cols; c++)
                    transposed[c * rows + r] = data[r * cols + c];
            tensors[bias[..^".bias".Length] + ".weight"] = (new[] { cols, rows }, transposed);
            used.Add(mm.Inputs[1]);
        }
        int unmapped = 0;
        foreach (var (name, t) in raw)
        {
            if (t.Type != 1) continue;
            if (char.IsDigit(name[0])) { if (!used.Contains(name) && t.Shape.Length == 2) unmapped++; continue; }
            tensors[name] = (t.Shape, Floats(t.Data.Span));
        }
        return new Weights(tensors, raw.Count, used.Count, unmapped);
    }

    private static float[] Floats(ReadOnlySpan<byte> bytes)
    {
        var result = new float[bytes.Length / 4];
        System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes).CopyTo(result);
        return result;
    }

    private static Node ReadNode(ReadOnlyMemory<byte> bytes)
    {
        var inputs = new List<string>(); var outputs = new List<string>(); string op = "";
        foreach (var (f, v) in Fields(bytes))
        {
            if (f == 1) inputs.Add(Encoding.UTF8.GetString(v.Span));
            else if (f == 2) outputs.Add(Encoding.UTF8.GetString(v.Span));
            else if (f == 4) op = Encoding.UTF8.GetString(v.Span);
        }
        return new Node(op, inputs, outputs);
    }

    private static (string Name, long[] Shape, int Type, ReadOnlyMemory<byte> Data) ReadTensor(ReadOnlyMemory<byte> bytes)
    {
        var dims = new List<long>(); string name = ""; int type = 0; ReadOnlyMemory<byte> data = default;
        foreach (var (f, v, varint) in FieldsWithVarints(bytes))
        {
            switch (f)
            {
                case 1 when v.IsEmpty: dims.Add(varint); break;            // unpacked dims
                case 1: { int at = 0; var s = v.Span; while (at < s.Length) dims.Add((long)ReadVarint(s, ref at)); break; } // packed
                case 2: type = (int)varint; break;
                case 8: name = Encoding.UTF8.GetString(v.Span); break;
                case 9: data = v; break;
            }
        }
        return (name, dims.ToArray(), type, data);
    }

    private static IEnumerable<(int Field, ReadOnlyMemory<byte> Value)> Fields(ReadOnlyMemory<byte> bytes)
    {
        foreach (var (f, v, _) in FieldsWithVarints(bytes))
            if (!v.IsEmpty) yield return (f, v);
    }

    /// <summary>Every field: length-delimited ones with their bytes, varints with their value (and empty bytes).</summary>
    private static IEnumerable<(int Field, ReadOnlyMemory<byte> Value, long Varint)> FieldsWithVarints(ReadOnlyMemory<byte> bytes)
    {
        int at = 0;
        while (at < bytes.Length)
        {
            ulong key = ReadVarint(bytes.Span, ref at);
            int field = (int)(key >> 3), wire = (int)(key & 7);
            switch (wire)
            {
                case 0: yield return (field, ReadOnlyMemory<byte>.Empty, (long)ReadVarint(bytes.Span, ref at)); break;
                case 1: at += 8; break;
                case 2:
                    {
                        int length = checked((int)ReadVarint(bytes.Span, ref at));
                        yield return (field, bytes.Slice(at, length), 0);
                        at += length;
                        break;
                    }
                case 5: at += 4; break;
                default: throw new InvalidDataException($"ONNX protobuf: wire type {wire} at byte {at} is not supported.");
            }
        }
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> s, ref int at)
    {
        ulong result = 0; int shift = 0;
        while (true)
        {
            byte b = s[at++];
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return result;
            shift += 7;
        }
    }
}
