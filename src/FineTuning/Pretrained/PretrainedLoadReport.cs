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
    IReadOnlyList<string> Unexpected);
