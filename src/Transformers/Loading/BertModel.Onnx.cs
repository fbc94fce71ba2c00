using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using TorchSharp;
using Attune.FineTuning;

namespace Attune.Transformers;

public sealed partial class BertModel
{
    /// <summary>
    /// Builds an encoder of <paramref name="config"/> and loads the weights of an ONNX export of a Hugging Face
    /// <c>BertModel</c> (see <see cref="LoadOnnx"/>).
    /// </summary>
    public static BertModel FromOnnx(Stream onnx, BertConfig config, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(onnx);
        ArgumentNullException.ThrowIfNull(config);
        return LoadedModel.Create(new BertModel(config), m => m.LoadOnnx(onnx, source));
    }

    /// <summary>Builds an encoder from an ONNX file; see <see cref="LoadOnnx"/>.</summary>
    public static BertModel FromOnnx(string path, BertConfig config)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        if (!File.Exists(full)) throw new FileNotFoundException($"ONNX file not found: {full}", full);
        using var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        return FromOnnx(stream, config, full);
    }

    /// <summary>
    /// Loads the initializers of an ONNX export of a Hugging Face <c>BertModel</c> (as PyTorch's exporter writes it)
    /// into this encoder. Initializers that keep their Hugging Face names load by name; the Linear weights, which the
    /// exporter stores transposed under numbers, are recognised by the graph (<c>MatMul(x, W)</c> feeding
    /// <c>Add(&lt;layer&gt;.bias, …)</c>) and transposed back. The stream is read once.
    /// </summary>
    /// <param name="onnx">The .onnx bytes (weights embedded, not external).</param>
    /// <param name="source">How to name the stream in errors and in the report (a path, a package resource).</param>
    /// <returns>Loaded: every key of this model; Skipped: initializers that are not weights (integer buffers such as
    /// <c>embeddings.position_ids</c>, integer constants of the graph), by their ONNX names.</returns>
    /// <exception cref="InvalidDataException">The bytes are not an ONNX model with weights.</exception>
    /// <exception cref="PretrainedLoadException">The configuration does not describe the file's architecture, a key
    /// of the model has no weight in the file, a float initializer maps to nothing, or a shape differs. Nothing is
    /// loaded then.</exception>
    public PretrainedLoadReport LoadOnnx(Stream onnx, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(onnx);
        string where = source ?? "the ONNX stream";
        var weights = OnnxWeights.Read(onnx, where);

        var differences = OnnxArchitecture.Differences(Config, weights);
        if (differences.Count > 0)
            throw new PretrainedLoadException(
                $"{where} holds a different architecture than the configuration: {string.Join("; ", differences)}. Build the model from a configuration that matches the file.",
                where, Array.Empty<string>(), Array.Empty<string>());

        var target = state_dict();
        var missing = target.Keys.Where(k => !weights.Named.ContainsKey(k)).ToList();
        // Integer buffers the exporter kept (embeddings.position_ids) are recomputed here: reported, not loaded. A float
        // tensor the model lacks is a weight that would be lost, so it is an error.
        var notInModel = weights.Named.Values.Where(w => !target.ContainsKey(w.Name)).ToList();
        var unexpected = notInModel.Where(w => OnnxWeights.IsFloat(w.Proto)).Select(w => w.Name).ToList();
        var skipped = notInModel.Where(w => !OnnxWeights.IsFloat(w.Proto)).Select(w => w.Name)
            .Concat(weights.Unmapped.Select(t => t.Name)).ToList();
        var strayFloats = weights.Unmapped.Where(OnnxWeights.IsFloat).Select(OnnxWeights.Describe).ToList();
        var problems = new List<string>();
        foreach (var (key, tensor) in target)
        {
            if (!weights.Named.TryGetValue(key, out var w)) continue;
            if (!OnnxWeights.IsFloat(w.Proto))
                problems.Add($"'{key}' (ONNX '{w.OnnxName}') is {OnnxWeights.DataTypeName(w.Proto.DataType)}, expected float");
            else if (!tensor.shape.AsSpan().SequenceEqual(w.Shape))
                problems.Add($"'{key}': the file has {Shapes.Format(w.Shape)}{(w.Transposed ? $" (stored transposed as '{w.OnnxName}')" : "")}, the model has {Shapes.Format(tensor)}");
        }
        if (missing.Count > 0) problems.Add($"missing from the file: {string.Join(", ", missing)}");
        if (unexpected.Count > 0) problems.Add($"in the file but not in the model: {string.Join(", ", unexpected.Select(k => $"'{k}' (ONNX '{weights.Named[k].OnnxName}')"))}");
        if (strayFloats.Count > 0) problems.Add($"float initializers that map to no parameter (neither named like one nor a MatMul weight feeding a bias Add): {string.Join(", ", strayFloats)}");
        if (problems.Count > 0)
            throw new PretrainedLoadException(
                $"The weights in {where} do not fit {nameof(BertModel)}: {string.Join("; ", problems)}. Expected an ONNX export of a Hugging Face BertModel with this configuration.",
                where, missing, unexpected);

        foreach (var (key, tensor) in target) weights.CopyInto(weights.Named[key], tensor);
        return new PretrainedLoadReport(where, target.Keys.ToList(), skipped, Array.Empty<string>(), Array.Empty<string>());
    }
}
