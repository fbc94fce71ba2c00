using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace Attune.FineTuning;

public static partial class SafeTensors
{
    /// <summary>
    /// Copies the tensors of a safetensors file into <paramref name="module"/>'s parameters and buffers, with the checks
    /// and report of <see cref="Pretrained.LoadPretrained"/>. Nothing is changed unless every check passes.
    /// </summary>
    /// <param name="module">The model to load into (its <c>state_dict()</c> keys are matched).</param>
    /// <param name="path">A safetensors file; relative paths resolve against the current directory.</param>
    /// <param name="skip">Prefixes of module keys (after <paramref name="mapKey"/>) to leave alone: "head" skips
    /// "head.weight" but not "header".</param>
    /// <param name="strict">When true, a model key missing from the file or a file key the model lacks (outside
    /// <paramref name="skip"/>) is an error; when false they are only reported.</param>
    /// <param name="mapKey">Maps a file key to the module key (for example PyTorch's "layers.0.weight" to
    /// "backbone.fc.weight"); returning null drops the file key, which the report lists under Skipped by its file name.
    /// Null maps every key to itself.</param>
    /// <param name="convertDTypes">Dtypes must match by default. When true, a floating-point tensor of the file (F16,
    /// BF16, F32, F64) is converted to a floating-point parameter's dtype — possibly losing precision (F64 into float32)
    /// or range (F32 into float16). Integer and bool tensors are never converted.</param>
    /// <exception cref="FileNotFoundException">No file at the path.</exception>
    /// <exception cref="PretrainedLoadException">The file breaks the format (the inner exception is a
    /// <see cref="SafeTensorsFormatException"/>), two file keys map to one module key, keys do not match under
    /// <paramref name="strict"/>, or a key's shape or dtype differs between file and model.</exception>
    public static PretrainedLoadReport LoadSafeTensors(this nn.Module module, string path, IEnumerable<string>? skip = null, bool strict = true,
        Func<string, string?>? mapKey = null, bool convertDTypes = false)
    {
        ArgumentNullException.ThrowIfNull(module);
        string fullPath = WeightsFormat.RequireFile(path, "a .safetensors file", "Safetensors");

        SafeTensorsFile file;
        try
        {
            file = Read(fullPath);
        }
        catch (SafeTensorsFormatException ex)
        {
            throw new PretrainedLoadException(ex.Message, fullPath, Array.Empty<string>(), Array.Empty<string>(), ex);
        }

        var keys = new KeyMatch(skip);
        string Named(string key, SafeTensorEntry entry) => key == entry.Name ? $"'{key}'" : $"'{key}' (file key '{entry.Name}')";

        var target = module.state_dict();
        var mapped = new Dictionary<string, SafeTensorEntry>(StringComparer.Ordinal);
        var skipped = new List<string>();
        var unexpected = new List<string>();
        var problems = new List<string>();
        var toLoad = new List<(string Key, SafeTensorEntry Entry, Tensor Tensor)>();
        foreach (var entry in file.Entries)
        {
            string? key = mapKey is null ? entry.Name : mapKey(entry.Name);
            if (key is null) { skipped.Add(entry.Name); continue; }
            if (key.Length == 0) { problems.Add($"mapKey maps '{entry.Name}' to an empty name (return null to drop a key)"); continue; }
            if (mapped.TryGetValue(key, out var other))
            {
                problems.Add($"file keys '{other.Name}' and '{entry.Name}' both map to '{key}'");
                continue;
            }
            mapped.Add(key, entry);
            if (keys.Skipped(key)) { skipped.Add(key); continue; }
            if (!target.TryGetValue(key, out var tensor)) { unexpected.Add(key); continue; }

            bool sameShape = tensor.shape.AsSpan().SequenceEqual(entry.Shape);
            bool dtypeOk = tensor.dtype == entry.ScalarType
                || (convertDTypes && torch.is_floating_point(tensor) && IsFloating(entry.ScalarType));
            if (sameShape && dtypeOk)
            {
                toLoad.Add((key, entry, tensor));
                continue;
            }
            string why = $"{Named(key, entry)}: the file has {Shapes.Format(entry.Shape)} {entry.DType}, the model has {Shapes.Describe(tensor)}";
            if (sameShape && !convertDTypes && torch.is_floating_point(tensor) && IsFloating(entry.ScalarType))
                why += " (pass convertDTypes: true to convert floating-point weights)";
            else if (sameShape && tensor.dtype != entry.ScalarType)
                why += " (integer and bool tensors are never converted)";
            problems.Add(why);
        }
        var missing = keys.Missing(target.Keys, mapped.ContainsKey, skipped);
        KeyMatch.ThrowIfMismatched(fullPath, module.GetType().Name, problems, strict, missing, unexpected,
            unexpected.Select(k => Named(k, mapped[k])), mapKey is null ? "" : " (after mapKey)",
            "map names with mapKey, pass skip: [prefix] for parts that differ, or strict: false to load the keys both have.");

        try
        {
            file.CopyInto(toLoad.Select(t => (t.Entry, t.Tensor)));
        }
        catch (SafeTensorsFormatException ex)
        {
            throw new PretrainedLoadException(ex.Message + " Some weights may already have been copied.", fullPath, missing, unexpected, ex);
        }

        return new PretrainedLoadReport(fullPath, toLoad.Select(t => t.Key).ToList(), skipped, missing, unexpected);
    }

    /// <summary>
    /// Writes <paramref name="module"/>'s <c>state_dict()</c> (parameters and buffers, TorchSharp names) as a
    /// safetensors file, atomically; see <see cref="Write"/>.
    /// </summary>
    public static void SaveSafeTensors(this nn.Module module, string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        Write(path, module.state_dict().Select(kv => (kv.Key, kv.Value)), metadata);
    }

    private static bool IsFloating(ScalarType type)
        => type is ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Float32 or ScalarType.Float64;
}
