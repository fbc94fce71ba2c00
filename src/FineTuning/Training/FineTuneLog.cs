using System;
using Microsoft.Extensions.Logging;

namespace Attune.FineTuning;

/// <summary>
/// The trainer's log lines, defined once with <see cref="LoggerMessage"/>: no boxing and no string formatting unless
/// the level is enabled. Nothing is logged per step; the step path only reports progress.
/// </summary>
internal static class FineTuneLog
{
    private static readonly Action<ILogger, string, long, long, int, Exception?> s_plan = LoggerMessage.Define<string, long, long, int>(
        LogLevel.Information, new EventId(1, "FineTunePlan"),
        "Fine-tuning {Model}: {Trainable} trainable and {Frozen} frozen weights in {Groups} optimizer group(s)");

    private static readonly Action<ILogger, string, long, long, string, Exception?> s_field = LoggerMessage.Define<string, long, long, string>(
        LogLevel.Information, new EventId(2, "FineTuneField"),
        "  field {Field}: {Trainable} trainable, {Frozen} frozen{Rates}");

    private static readonly Action<ILogger, int, double, double, double, double, double, Exception?> s_epoch = LoggerMessage.Define<int, double, double, double, double, double>(
        LogLevel.Information, new EventId(3, "FineTuneEpoch"),
        "Epoch {Epoch}: train loss {TrainLoss:G5}, validation loss {ValidationLoss:G5}, metric {Metric:G5}, lr {LearningRate:G3}, {Seconds:F2}s");

    private static readonly Action<ILogger, string, int, double, Exception?> s_stopped = LoggerMessage.Define<string, int, double>(
        LogLevel.Information, new EventId(4, "FineTuneStopped"),
        "Fine-tune ended ({StopReason}); restored the weights of epoch {BestEpoch} (metric {BestMetric:G5})");

    private static readonly Action<ILogger, string, string, Exception?> s_checkpoint = LoggerMessage.Define<string, string>(
        LogLevel.Debug, new EventId(5, "FineTuneCheckpoint"),
        "Saved {Which} checkpoint {Path}");

    private static readonly Action<ILogger, long, long, long, string, Exception?> s_setup = LoggerMessage.Define<long, long, long, string>(
        LogLevel.Debug, new EventId(6, "FineTuneSetup"),
        "{Steps} optimizer steps ({Warmup} warmup), {Examples} training examples, schedule {Schedule}");

    private static readonly Action<ILogger, int, long, double, Exception?> s_diverged = LoggerMessage.Define<int, long, double>(
        LogLevel.Error, new EventId(7, "FineTuneDiverged"),
        "Training diverged at epoch {Epoch}, step {Step}: loss {Loss}");

    private static readonly Action<ILogger, string, Exception?> s_stillImproving = LoggerMessage.Define<string>(
        LogLevel.Information, new EventId(8, "FineTuneStillImproving"), "{Hint}");

    public static void StillImproving(ILogger logger, string hint)
    {
        if (logger.IsEnabled(LogLevel.Information)) s_stillImproving(logger, hint, null);
    }

    public static void Plan(ILogger logger, string model, ParameterGroups groups)
    {
        if (!logger.IsEnabled(LogLevel.Information)) return;
        s_plan(logger, model, groups.TrainableCount, groups.FrozenCount, groups.Groups.Count, null);
        foreach (var f in groups.Fields)
        {
            string rates = (f.LearningRate, f.WeightDecay) switch
            {
                (null, null) => "",
                (double lr, null) => FormattableString.Invariant($", learning rate {lr:G3}"),
                (null, double wd) => FormattableString.Invariant($", weight decay {wd:G3}"),
                (double lr, double wd) => FormattableString.Invariant($", learning rate {lr:G3}, weight decay {wd:G3}"),
            };
            s_field(logger, f.Field, f.Trainable, f.Frozen, rates, null);
        }
    }

    public static void Setup(ILogger logger, long steps, long warmup, long examples, LrSchedule schedule)
    {
        if (logger.IsEnabled(LogLevel.Debug)) s_setup(logger, steps, warmup, examples, schedule.ToString(), null);
    }

    public static void Epoch(ILogger logger, EpochResult r)
    {
        if (logger.IsEnabled(LogLevel.Information))
            s_epoch(logger, r.Epoch, r.TrainLoss, r.ValidationLoss, r.Metric, r.LearningRate, r.Duration.TotalSeconds, null);
    }

    // reason: the stop reason's name, with a callback's own words after it when a callback stopped the run.
    public static void Stopped(ILogger logger, string reason, int bestEpoch, double bestMetric)
    {
        if (logger.IsEnabled(LogLevel.Information)) s_stopped(logger, reason, bestEpoch, bestMetric, null);
    }

    public static void Checkpoint(ILogger logger, string which, string path)
    {
        if (logger.IsEnabled(LogLevel.Debug)) s_checkpoint(logger, which, path, null);
    }

    public static void Diverged(ILogger logger, int epoch, long step, double loss)
    {
        if (logger.IsEnabled(LogLevel.Error)) s_diverged(logger, epoch, step, loss, null);
    }
}
