using System;
using Microsoft.Extensions.Logging;

namespace Attune.Transformers;

/// <summary>Log lines of text data sets, defined once with <see cref="LoggerMessage"/> (event ids 200 and up).</summary>
internal static class TextDataLog
{
    private static readonly Action<ILogger, string, string, Exception?> s_truncated = LoggerMessage.Define<string, string>(
        LogLevel.Warning, new EventId(200, "TextDataTruncated"), "{Source}: {Warning}");

    public static void Warnings(ILogger? logger, string source, TextDataStatistics statistics)
    {
        if (logger is null) return;
        foreach (var warning in statistics.Warnings) s_truncated(logger, source, warning, null);
    }
}
