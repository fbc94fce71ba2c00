using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;
using TorchSharp;
using static TorchSharp.torch;
using Attune.FineTuning;

namespace Attune.Transformers;

/// <summary>One initializer of an ONNX graph, under the Hugging Face name it stands for.</summary>
/// <param name="Name">The Hugging Face name (<c>encoder.layer.0.attention.self.query.weight</c>).</param>
/// <param name="OnnxName">Its name in the ONNX file (the same, or a number such as <c>927</c>).</param>
/// <param name="Shape">The shape as Hugging Face has it (for a transposed weight, [out, in]).</param>
/// <param name="Transposed">True when the file stores it transposed ([in, out], the right operand of a MatMul).</param>
/// <param name="Proto">The initializer itself (its data is read when loading).</param>
internal sealed record OnnxWeight(string Name, string OnnxName, long[] Shape, bool Transposed, TensorProto Proto);

/// <summary>
/// The weights of an ONNX export of a Hugging Face model, under Hugging Face's names. PyTorch's exporter keeps the
/// parameter names of biases, LayerNorms and embeddings, but folds each <c>nn.Linear</c> weight into a MatMul
/// operand stored transposed under a number. The graph says which: <c>MatMul(x, W)</c> feeding
/// <c>Add(&lt;layer&gt;.bias, …)</c> means W is <c>&lt;layer&gt;.weight</c>ᵀ.
/// </summary>
internal sealed class OnnxWeights
{
    private OnnxWeights(string source, Dictionary<string, OnnxWeight> named, List<TensorProto> unnamed)
    {
        Source = source;
        Named = named;
        Unmapped = unnamed;
    }

    public string Source { get; }

    /// <summary>Weights by Hugging Face name (the file's own name, or one recovered from the graph).</summary>
    public IReadOnlyDictionary<string, OnnxWeight> Named { get; }

    /// <summary>Initializers neither named like a parameter nor recovered from the graph (integer constants, …).</summary>
    public IReadOnlyList<TensorProto> Unmapped { get; }

    public static OnnxWeights Read(Stream stream, string source)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(stream);
        }
        catch (InvalidProtocolBufferException ex)
        {
            // Protobuf's messages are fixed texts (no bytes of the input), so quoting them cannot echo garbage.
            throw new InvalidDataException($"{source} is not an ONNX model: it does not parse as an ONNX ModelProto ({ex.Message}).", ex);
        }
        if (model.IrVersion <= 0 || model.Graph is null || model.Graph.Initializer.Count == 0)
            throw new InvalidDataException(
                $"{source} is not an ONNX model with weights: expected an ir_version, a graph and initializers, found "
                + $"ir_version {model.IrVersion}, {(model.Graph is null ? "no graph" : $"a graph with {model.Graph.Node.Count} nodes and {model.Graph.Initializer.Count} initializers")}.");
        var graph = model.Graph;

        var initializers = new Dictionary<string, TensorProto>(StringComparer.Ordinal);
        foreach (var init in graph.Initializer)
            if (!initializers.TryAdd(init.Name, init))
                throw new InvalidDataException($"{source}: the initializer '{Clip(init.Name)}' appears twice.");

        // Which initializer each transposed Linear weight is: MatMul(x, W) -> Add(bias, ·) or Add(·, bias).
        var consumers = new Dictionary<string, List<NodeProto>>(StringComparer.Ordinal);
        foreach (var node in graph.Node)
            foreach (var input in node.Input)
            {
                if (!consumers.TryGetValue(input, out var list)) consumers[input] = list = new List<NodeProto>(1);
                list.Add(node);
            }
        var recovered = new Dictionary<string, string>(StringComparer.Ordinal); // ONNX name -> HF weight name
        foreach (var node in graph.Node)
        {
            if (node.OpType != "MatMul" || node.Input.Count != 2 || node.Output.Count != 1) continue;
            string w = node.Input[1];
            if (!initializers.ContainsKey(w) || LooksLikeParameter(w)) continue;
            if (!consumers.TryGetValue(node.Output[0], out var next)) continue;
            foreach (var add in next.Where(n => n.OpType == "Add" && n.Input.Count == 2))
            {
                string other = add.Input[0] == node.Output[0] ? add.Input[1] : add.Input[0];
                if (!other.EndsWith(".bias", StringComparison.Ordinal) || !initializers.ContainsKey(other)) continue;
                string name = other[..^".bias".Length] + ".weight";
                if (recovered.TryGetValue(w, out var earlier) && earlier != name)
                    throw new InvalidDataException($"{source}: the initializer '{Clip(w)}' feeds both '{earlier}' and '{name}'; cannot tell which Linear weight it is.");
                recovered[w] = name;
            }
        }

        var named = new Dictionary<string, OnnxWeight>(StringComparer.Ordinal);
        var unmapped = new List<TensorProto>();
        foreach (var init in graph.Initializer)
        {
            long[] dims = init.Dims.ToArray();
            OnnxWeight weight;
            if (recovered.TryGetValue(init.Name, out var hf))
            {
                if (dims.Length != 2)
                    throw new InvalidDataException($"{source}: '{Clip(init.Name)}' looks like the weight '{hf}' (MatMul feeding its bias) but has shape {Shapes.Format(dims)}, expected a matrix [in, out].");
                weight = new OnnxWeight(hf, init.Name, [dims[1], dims[0]], true, init);
            }
            else if (LooksLikeParameter(init.Name))
            {
                weight = new OnnxWeight(init.Name, init.Name, dims, false, init);
            }
            else
            {
                unmapped.Add(init);
                continue;
            }
            if (named.TryGetValue(weight.Name, out var clash))
                throw new InvalidDataException($"{source}: both '{Clip(clash.OnnxName)}' and '{Clip(weight.OnnxName)}' stand for '{weight.Name}'.");
            named.Add(weight.Name, weight);
        }
        return new OnnxWeights(source, named, unmapped);
    }

    /// <summary>Names PyTorch gives parameters (<c>….weight</c>, <c>….bias</c>), as opposed to numbered constants.</summary>
    private static bool LooksLikeParameter(string name) => name.Contains('.') && !char.IsDigit(name[0]);

    /// <summary>True for float32 data (the kind of every trained parameter here).</summary>
    public static bool IsFloat(TensorProto t) => t.DataType == (int)TensorProto.Types.DataType.Float;

    public static string Describe(TensorProto t)
        => $"'{Clip(t.Name)}' {Shapes.Format(t.Dims.ToArray())} {DataTypeName(t.DataType)}";

    public static string DataTypeName(int type)
        => Enum.IsDefined(typeof(TensorProto.Types.DataType), type)
            ? ((TensorProto.Types.DataType)type).ToString().ToLowerInvariant()
            : "data type " + type.ToString(CultureInfo.InvariantCulture);

    /// <summary>Copies the weight into <paramref name="target"/> (same shape as <see cref="OnnxWeight.Shape"/>), undoing the transpose.</summary>
    public void CopyInto(OnnxWeight weight, Tensor target)
    {
        var proto = weight.Proto;
        if (proto.DataLocation == TensorProto.Types.DataLocation.External)
            throw new InvalidDataException($"{Source}: '{weight.OnnxName}' keeps its data in an external file, which this importer does not read; export with the weights inside the .onnx file.");
        long count = proto.Dims.Aggregate(1L, (a, b) => a * b);
        ReadOnlySpan<float> data;
        if (!proto.RawData.IsEmpty)
        {
            if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("ONNX raw data is little-endian; this machine is not.");
            if (proto.RawData.Length != count * sizeof(float))
                throw new InvalidDataException($"{Source}: '{weight.OnnxName}' ({weight.Name}) has {proto.RawData.Length} bytes of data, expected {count * sizeof(float)} for {Shapes.Format(proto.Dims.ToArray())} float32.");
            data = MemoryMarshal.Cast<byte, float>(proto.RawData.Span);
        }
        else
        {
            if (proto.FloatData.Count != count)
                throw new InvalidDataException($"{Source}: '{weight.OnnxName}' ({weight.Name}) has {proto.FloatData.Count} values, expected {count} for {Shapes.Format(proto.Dims.ToArray())}.");
            data = proto.FloatData.ToArray();
        }

        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var staging = torch.empty(proto.Dims.ToArray(), ScalarType.Float32);
        staging.data<float>().CopyFrom(data);
        target.copy_(weight.Transposed ? staging.t() : staging);
    }

    private static string Clip(string s) => s.Length <= 80 ? s : s[..80] + "…";
}
