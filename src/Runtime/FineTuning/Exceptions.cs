using System;
using System.Collections.Generic;

namespace Attune;

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
