using System;
using System.Collections.Generic;

namespace Attune.FineTuning;

/// <summary>The data does not fit the model (shapes, dtypes, label range), found with one dry batch before training.</summary>
public sealed class FineTuneDataException : Exception
{
    public FineTuneDataException(string message, Exception? inner = null) : base(message, inner) { }
}

/// <summary>The loss became NaN or infinite. The model holds the last good weights and the last good checkpoint is kept.</summary>
public sealed class TrainingDivergedException : Exception
{
    public TrainingDivergedException(string message, int epoch, long step, string? lastGoodCheckpoint) : base(message)
    {
        Epoch = epoch;
        Step = step;
        LastGoodCheckpoint = lastGoodCheckpoint;
    }

    public int Epoch { get; }
    public long Step { get; }
    public string? LastGoodCheckpoint { get; }
}

/// <summary>A pretrained weights file is missing, truncated or does not match the model.</summary>
public sealed class PretrainedLoadException : Exception
{
    public PretrainedLoadException(string message, string path, IReadOnlyList<string> missingKeys, IReadOnlyList<string> unexpectedKeys, Exception? inner = null)
        : base(message, inner)
    {
        Path = path;
        MissingKeys = missingKeys;
        UnexpectedKeys = unexpectedKeys;
    }

    public string Path { get; }
    public IReadOnlyList<string> MissingKeys { get; }
    public IReadOnlyList<string> UnexpectedKeys { get; }
}

/// <summary>
/// A checkpoint could not be written: the checkpoint directory is a file, cannot be created or written (found by a
/// probe write before any training), or a checkpoint write failed mid-run (a full disk, a directory made read-only).
/// The message says which checkpoint, where, the reason from the system, and whether the previous file at that path
/// was kept intact (it always is: files are written to a temporary file and moved into place, and the temporary file
/// is removed on failure). An <see cref="System.IO.IOException"/>, so existing handlers of I/O failures still catch it; the
/// system's own exception is the inner exception.
/// </summary>
public sealed class CheckpointWriteException : System.IO.IOException
{
    public CheckpointWriteException(string message, string directory, string? checkpointPath, bool previousKept, Exception? inner = null)
        : base(message, inner)
    {
        Directory = directory;
        CheckpointPath = checkpointPath;
        PreviousKept = previousKept;
    }

    /// <summary>The checkpoint directory (full path).</summary>
    public string Directory { get; }
    /// <summary>The file that could not be written (its final path), or null when the directory itself failed the start-of-run check.</summary>
    public string? CheckpointPath { get; }
    /// <summary>Whether an earlier file at <see cref="CheckpointPath"/> exists and was left exactly as it was.</summary>
    public bool PreviousKept { get; }
}
