using System;
using Microsoft.Extensions.Logging;

namespace Attune.FineTuning;

/// <summary>
/// Log lines for optimizer steps skipped because their loss or gradient norm was NaN or infinite. A skipped step
/// applies no update (its gradients are zeroed) but still takes its place in the learning-rate schedule, so the
/// schedule stays aligned with the data; <see cref="FineTuneOptions.MaxNonFiniteSteps"/> in a row stop the run.
/// </summary>
internal static class NonFiniteSteps
{
    private static readonly Action<ILogger, string, double, int, long, int, int, Exception?> s_skipped = LoggerMessage.Define<string, double, int, long, int, int>(
        LogLevel.Warning, new EventId(8, "FineTuneNonFiniteStep"),
        "Skipped optimizer step: the {What} was {Value} at epoch {Epoch}, step {Step}; no update applied ({InARow} in a row, training stops at {Limit})");

    private static readonly Action<ILogger, int, long, double, Exception?> s_divergedOnGradient = LoggerMessage.Define<int, long, double>(
        LogLevel.Error, new EventId(7, "FineTuneDiverged"),
        "Training diverged at epoch {Epoch}, step {Step}: gradient norm {GradientNorm}");

    /// <summary>The run stops on a non-finite gradient norm (a non-finite loss logs FineTuneLog.Diverged).</summary>
    public static void DivergedOnGradient(ILogger logger, int epoch, long step, double norm)
    {
        if (logger.IsEnabled(LogLevel.Error)) s_divergedOnGradient(logger, epoch, step, norm, null);
    }

    public static void Skipped(ILogger logger, bool gradient, double value, int epoch, long step, int inARow, int limit)
    {
        if (logger.IsEnabled(LogLevel.Warning))
            s_skipped(logger, What(gradient), value, epoch, step, inARow, limit, null);
    }

    /// <summary>What was non-finite, as the messages say it.</summary>
    public static string What(bool gradient) => gradient ? "gradient norm" : "loss";
}
