using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace Attune.FineTuning;

/// <summary>
/// Loads pretrained weights saved with TorchSharp's <c>module.save</c> (or an Attune checkpoint) with the checks and the
/// report that <c>module.load</c> lacks: every missing, unexpected or mis-shaped key is named before any weight is
/// changed, and whole subtrees (a new task head) can be skipped by prefix.
/// </summary>
public static class Pretrained
{
    /// <summary>
    /// Copies the tensors of <paramref name="path"/> into <paramref name="module"/>'s parameters and buffers.
    /// Nothing is changed unless every check passes.
    /// </summary>
    /// <param name="module">The model to load into (its <c>state_dict()</c> keys are matched).</param>
    /// <param name="path">A file written by <c>module.save</c>; relative paths resolve against the current directory.</param>
    /// <param name="skip">Key prefixes to leave alone: "head" skips "head", "head.weight", "head.bias", … but not "header".</param>
    /// <param name="strict">When true, a key of the model missing from the file, or a key of the file the model lacks
    /// (outside <paramref name="skip"/>), is an error; when false they are only reported.</param>
    /// <exception cref="FileNotFoundException">No file at the path (the message names the full path; for a directory,
    /// the weights files in it).</exception>
    /// <exception cref="PretrainedLoadException">The file is truncated or corrupt, keys do not match under
    /// <paramref name="strict"/>, or a key's shape or dtype differs between file and model.</exception>
    public static PretrainedLoadReport LoadPretrained(this nn.Module module, string path, IEnumerable<string>? skip = null, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(module);
        string fullPath = WeightsFormat.RequireFile(path, "a weights file written by module.save (or an Attune checkpoint such as best.bin)", "Pretrained weights");

        var keys = new KeyMatch(skip);

        var entries = WeightsFileIndex.Read(fullPath);
        var target = module.state_dict();
        var inFile = new HashSet<string>(entries.Select(e => e.Key));

        var skipped = new List<string>();
        var unexpected = new List<string>();
        var toLoad = new List<(WeightsFileEntry Entry, Tensor Tensor)>();
        var mismatches = new List<string>();
        foreach (var entry in entries)
        {
            if (keys.Skipped(entry.Key)) { skipped.Add(entry.Key); continue; }
            if (!target.TryGetValue(entry.Key, out var tensor)) { unexpected.Add(entry.Key); continue; }
            if (tensor.dtype != entry.DType || !tensor.shape.AsSpan().SequenceEqual(entry.Shape))
                mismatches.Add($"'{entry.Key}': the file has {Shapes.Format(entry.Shape)} {Shapes.Name(entry.DType)}, the model has {Shapes.Describe(tensor)}");
            else
                toLoad.Add((entry, tensor));
        }
        var missing = keys.Missing(target.Keys, inFile.Contains, skipped);
        KeyMatch.ThrowIfMismatched(fullPath, module.GetType().Name, mismatches, strict, missing, unexpected, unexpected, "",
            "pass skip: [prefix] for parts that differ, or strict: false to load the keys both have.");

        using (var stream = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.Read))
        using (torch.no_grad())
        {
            foreach (var (entry, tensor) in toLoad)
            {
                stream.Seek(entry.DataOffset, SeekOrigin.Begin);
                if (tensor.device_type == DeviceType.CPU && tensor.is_contiguous())
                {
                    tensor.ReadBytesFromStream(stream);
                }
                else
                {
                    using var staging = torch.empty(entry.Shape, entry.DType, torch.CPU);
                    staging.ReadBytesFromStream(stream);
                    tensor.copy_(staging);
                }
            }
        }

        return new PretrainedLoadReport(fullPath, toLoad.Select(t => t.Entry.Key).ToList(), skipped, missing, unexpected);
    }
}
