using System.Collections.Generic;

namespace Attune.FineTuning;

/// <summary>What <see cref="Pretrained.LoadPretrained"/> did, key by key (keys as in <c>state_dict()</c>).</summary>
/// <param name="Path">The full path of the file read.</param>
/// <param name="Loaded">Keys copied from the file into the model.</param>
/// <param name="Skipped">Keys (of the file or the model) under a skip prefix, left as they were.</param>
/// <param name="Missing">Keys of the model the file lacks (only when not strict: strict loads throw instead).</param>
/// <param name="Unexpected">Keys of the file the model lacks (only when not strict).</param>
public sealed record PretrainedLoadReport(
    string Path,
    IReadOnlyList<string> Loaded,
    IReadOnlyList<string> Skipped,
    IReadOnlyList<string> Missing,
    IReadOnlyList<string> Unexpected)
{
    /// <summary>"Loaded 198 of 201 keys from /m/best.bin; skipped 2 (head.weight, head.bias); missing 1 (pooler.weight)" —
    /// counts, with at most five keys of each kind named.</summary>
    public override string ToString()
    {
        var text = new System.Text.StringBuilder();
        text.Append(System.Globalization.CultureInfo.InvariantCulture, $"Loaded {Loaded.Count} key{(Loaded.Count == 1 ? "" : "s")} from {Path}");
        Part(text, "skipped", Skipped);
        Part(text, "missing from the file", Missing);
        Part(text, "unexpected in the file", Unexpected);
        return text.ToString();
    }

    private static void Part(System.Text.StringBuilder text, string what, IReadOnlyList<string> keys)
    {
        if (keys.Count == 0) return;
        text.Append(System.Globalization.CultureInfo.InvariantCulture, $"; {what} {keys.Count} (");
        text.AppendJoin(", ", System.Linq.Enumerable.Take(keys, 5));
        if (keys.Count > 5) text.Append(System.Globalization.CultureInfo.InvariantCulture, $", and {keys.Count - 5} more");
        text.Append(')');
    }
}
