using System;
using System.Collections.Generic;
using System.Linq;

namespace Attune.FineTuning;

/// <summary>
/// What both weight loaders (TorchSharp's format and safetensors) decide the same way: which keys a skip prefix covers,
/// which model keys the file lacks, and the errors for mismatched or (under strict) missing/unexpected keys.
/// </summary>
internal sealed class KeyMatch
{
    private readonly string[] prefixes;

    public KeyMatch(IEnumerable<string>? skip) =>
        prefixes = skip?.Where(p => !string.IsNullOrEmpty(p)).Select(p => p.TrimEnd('.')).ToArray() ?? Array.Empty<string>();

    /// <summary>True when a skip prefix covers the key ("head" covers "head" and "head.weight", not "header.weight").</summary>
    public bool Skipped(string key) => prefixes.Any(p => key == p || key.StartsWith(p + ".", StringComparison.Ordinal));

    /// <summary>Model keys the file lacks; those a skip prefix covers go to <paramref name="skipped"/> instead.</summary>
    public List<string> Missing(IEnumerable<string> modelKeys, Func<string, bool> inFile, List<string> skipped)
    {
        var missing = new List<string>();
        foreach (var key in modelKeys)
        {
            if (inFile(key)) continue;
            if (Skipped(key)) skipped.Add(key);
            else missing.Add(key);
        }
        return missing;
    }

    /// <summary>Throws for shape/dtype problems, then (when strict) for differing key sets; nothing has been loaded yet.</summary>
    public static void ThrowIfMismatched(string fullPath, string modelName, IReadOnlyList<string> problems, bool strict,
        IReadOnlyList<string> missing, IReadOnlyList<string> unexpected, IEnumerable<string> unexpectedForMessage, string keysNote, string strictHint)
    {
        if (problems.Count > 0)
            throw new PretrainedLoadException(
                $"The weights in {fullPath} do not fit {modelName}: {problems.Count} problem(s): {string.Join("; ", problems)}. Expected the same shapes and dtypes as the model; skip keys the task changes (for example skip: [\"head\"]) and train them instead.",
                fullPath, missing, unexpected);
        if (strict && (missing.Count > 0 || unexpected.Count > 0))
            throw new PretrainedLoadException(
                $"The weights in {fullPath} do not match {modelName}'s keys{keysNote}: "
                + (missing.Count > 0 ? $"missing from the file: {string.Join(", ", missing)}. " : "")
                + (unexpected.Count > 0 ? $"in the file but not in the model: {string.Join(", ", unexpectedForMessage)}. " : "")
                + $"Expected identical key sets under strict loading; {strictHint}",
                fullPath, missing, unexpected);
    }
}
