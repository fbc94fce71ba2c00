using System;
using System.Collections.Generic;

namespace Attune.FineTuning;

/// <summary>
/// A run cannot be resumed from its checkpoint: the file is torn, corrupt or from another format version, or it was
/// written by a different model, plan or options. The checkpoint is left exactly as it was.
/// </summary>
public sealed class ResumeException : Exception
{
    public ResumeException(string message, string path, IReadOnlyList<string> differences, Exception? inner = null) : base(message, inner)
    {
        Path = path;
        Differences = differences;
    }

    /// <summary>The checkpoint file.</summary>
    public string Path { get; }

    /// <summary>What differs between the checkpoint and this run (empty when the file itself is the problem).</summary>
    public IReadOnlyList<string> Differences { get; }
}
