using System;
using Microsoft.Extensions.Logging;

namespace Attune.FineTuning;

/// <summary>
/// Log lines of gradual unfreezing and resume, defined once with <see cref="LoggerMessage"/> like
/// <see cref="FineTuneLog"/>'s (event ids 30 and up, so they never collide with its).
/// </summary>
internal static class TrainingEventsLog
{
    private static readonly Action<ILogger, string, int, long, double, Exception?> s_unfrozen = LoggerMessage.Define<string, int, long, double>(
        LogLevel.Information, new EventId(30, "FineTuneFieldUnfrozen"),
        "Field {Field} unfrozen at epoch {Epoch}: {Weights} weights now train at base learning rate {LearningRate:G3}");

    private static readonly Action<ILogger, string, int, Exception?> s_willUnfreeze = LoggerMessage.Define<string, int>(
        LogLevel.Information, new EventId(31, "FineTuneFieldFrozenUntil"),
        "  field {Field} is frozen until epoch {Epoch}, then trains");

    private static readonly Action<ILogger, string, int, int, Exception?> s_neverUnfreezes = LoggerMessage.Define<string, int, int>(
        LogLevel.Warning, new EventId(32, "FineTuneFieldNeverUnfreezes"),
        "Field {Field} unfreezes at epoch {Epoch}, after the run's last epoch {Epochs}: it stays frozen for the whole run");

    private static readonly Action<ILogger, string, int, Exception?> s_frozenNorms = LoggerMessage.Define<string, int>(
        LogLevel.Information, new EventId(33, "FineTuneFrozenNorms"),
        "  field {Field}: {Count} normalization layer(s) with running statistics stay in eval mode while it is frozen");

    private static readonly Action<ILogger, string, string, int, long, Exception?> s_resumed = LoggerMessage.Define<string, string, int, long>(
        LogLevel.Information, new EventId(34, "FineTuneResumed"),
        "Resumed {Model} from {Path}: {Epochs} epoch(s) and {Steps} optimizer steps already done");

    private static readonly Action<ILogger, string, Exception?> s_noCheckpoint = LoggerMessage.Define<string>(
        LogLevel.Warning, new EventId(35, "FineTuneResumeFresh"),
        "Resume was requested but there is no checkpoint at {Path}; starting a fresh run");

    private static readonly Action<ILogger, string, Exception?> s_resumeSaved = LoggerMessage.Define<string>(
        LogLevel.Debug, new EventId(36, "FineTuneResumeSaved"),
        "Saved resume state {Path}");

    public static void Unfrozen(ILogger logger, string field, int epoch, long weights, double rate)
    {
        if (logger.IsEnabled(LogLevel.Information)) s_unfrozen(logger, field, epoch, weights, rate, null);
    }

    public static void WillUnfreeze(ILogger logger, string field, int epoch, int epochs)
    {
        if (epoch > epochs)
        {
            if (logger.IsEnabled(LogLevel.Warning)) s_neverUnfreezes(logger, field, epoch, epochs, null);
        }
        else if (logger.IsEnabled(LogLevel.Information)) s_willUnfreeze(logger, field, epoch, null);
    }

    public static void FrozenNorms(ILogger logger, string field, int count)
    {
        if (logger.IsEnabled(LogLevel.Information)) s_frozenNorms(logger, field, count, null);
    }

    public static void Resumed(ILogger logger, string model, string path, int epochs, long steps)
    {
        if (logger.IsEnabled(LogLevel.Information)) s_resumed(logger, model, path, epochs, steps, null);
    }

    public static void NoCheckpoint(ILogger logger, string path)
    {
        if (logger.IsEnabled(LogLevel.Warning)) s_noCheckpoint(logger, path, null);
    }

    public static void ResumeSaved(ILogger logger, string path)
    {
        if (logger.IsEnabled(LogLevel.Debug)) s_resumeSaved(logger, path, null);
    }
}
