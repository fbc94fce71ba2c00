using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Attune.FineTuning;

/// <summary>Why a fine-tune ended.</summary>
public enum StopReason
{
    /// <summary>All epochs ran.</summary>
    Completed = 0,
    /// <summary>The metric did not improve for <c>Patience</c> epochs.</summary>
    EarlyStopped = 1,
    /// <summary>The caller's cancellation token fired; the model holds the best weights seen so far.</summary>
    Cancelled = 2,
    /// <summary>A sweep's pruner stopped the trial.</summary>
    Pruned = 3,
    /// <summary>A <see cref="FineTuneCallback"/> asked to stop (<see cref="FineTuneControl.StopTraining"/>); its reason
    /// is <see cref="FineTuneReport.StopMessage"/>.</summary>
    StoppedByCallback = 4,
}

/// <summary>One epoch's figures. <see cref="Duration"/> is the epoch's training pass alone (its steps; not the validation
/// pass, the callbacks or the checkpoints that follow).</summary>
public sealed record EpochResult(int Epoch, double TrainLoss, double ValidationLoss, double Metric, double LearningRate, long Steps, TimeSpan Duration)
{
    /// <summary>"epoch 3: train loss 0.4123, validation loss 0.3890, metric 0.9120, lr 0.001, 1.20 s".</summary>
    public override string ToString() => string.Format(CultureInfo.InvariantCulture,
        "epoch {0}: train loss {1:G4}, validation loss {2:G4}, metric {3:G4}, lr {4:G3}, {5:0.00} s", Epoch, TrainLoss, ValidationLoss, Metric, LearningRate, Duration.TotalSeconds);
}

/// <summary>What a fine-tune did. The model itself holds the weights of <see cref="BestEpoch"/> when it returns.</summary>
public sealed record FineTuneReport
{
    public required string ModelName { get; init; }
    public required Metric Metric { get; init; }
    public required Direction Direction { get; init; }
    /// <summary>The best validation metric seen (NaN when no epoch finished).</summary>
    public required double BestMetric { get; init; }
    /// <summary>1-based epoch of <see cref="BestMetric"/>; 0 when no epoch finished.</summary>
    public required int BestEpoch { get; init; }
    public required IReadOnlyList<EpochResult> Epochs { get; init; }
    public required StopReason StopReason { get; init; }
    /// <summary>What stopped the run, in words: a callback's own reason, or what early stopping or the pruner saw;
    /// null for a run that completed or was cancelled.</summary>
    public string? StopMessage { get; init; }
    public required long TotalSteps { get; init; }
    public required TimeSpan Duration { get; init; }
    public required long TrainableParameters { get; init; }
    public required long FrozenParameters { get; init; }
    /// <summary>The best-weights checkpoint, when a checkpoint directory was set.</summary>
    public string? BestCheckpoint { get; init; }
    /// <summary>The last-epoch checkpoint, when a checkpoint directory was set.</summary>
    public string? LastCheckpoint { get; init; }
    public bool Cancelled => StopReason == StopReason.Cancelled;
    /// <summary>Fields that unfroze during the run (<c>[Freeze(UnfreezeAtEpoch = n)]</c>), in order; on a resumed run
    /// this includes those that unfroze before the checkpoint.</summary>
    public IReadOnlyList<FieldUnfrozen> Unfrozen { get; init; } = Array.Empty<FieldUnfrozen>();
    /// <summary>The resume checkpoint this run continued; null for a run that started fresh.</summary>
    public string? ResumedFrom { get; init; }
    /// <summary>The last finished epoch of the checkpoint this run continued (training went on from the next one); 0
    /// for a fresh run. <see cref="Epochs"/> holds every epoch, those before the checkpoint included.</summary>
    public int ResumedFromEpoch { get; init; }
    public bool Resumed => ResumedFrom is not null;
    /// <summary>Adapters and trainable share when the model has LoRA adapters; null otherwise.</summary>
    public LoraReport? Lora { get; init; }
    /// <summary>Optimizer steps skipped because their loss or gradient norm was NaN or infinite (counted in <see cref="TotalSteps"/>).</summary>
    public long NonFiniteSteps { get; init; }

    /// <summary>
    /// True when every epoch ran and the last one was the best (of at least two): the metric was still improving when
    /// the run ended, so more epochs would likely help. The log says so too, and <see cref="ToString"/> adds the hint.
    /// </summary>
    public bool StillImproving => ImprovementHint.StillImproving(StopReason, BestEpoch, Epochs);

    /// <summary>A few lines a person reads: the best epoch and why the run stopped, steps and time, parameters, the
    /// checkpoints, and a hint when the metric was still improving at the end.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{ModelName}: best {Metric.ToString().ToLowerInvariant()} {BestMetric:G5} at epoch {BestEpoch} of {Epochs.Count} ");
        text.Append(StopReason == StopReason.Completed ? "(completed)" : $"(stopped: {StopReason}{(StopMessage is null ? "" : ", " + StopMessage)})");
        text.Append(CultureInfo.InvariantCulture, $"; {TotalSteps} steps in {Duration.TotalSeconds:0.0} s; {TrainableParameters:N0} trainable and {FrozenParameters:N0} frozen parameters");
        if (NonFiniteSteps > 0) text.Append(CultureInfo.InvariantCulture, $"; {NonFiniteSteps} non-finite steps skipped");
        if (Resumed) text.Append(CultureInfo.InvariantCulture, $"; resumed after epoch {ResumedFromEpoch} from {ResumedFrom}");
        if (BestCheckpoint is not null) text.Append("; best weights in ").Append(BestCheckpoint);
        if (StillImproving) text.AppendLine().Append(ImprovementHint.Text(Epochs.Count));
        return text.ToString();
    }
}

/// <summary>When a run ended while its metric was still improving, and what to say about it (the report and the log).</summary>
internal static class ImprovementHint
{
    public static bool StillImproving(StopReason stop, int bestEpoch, IReadOnlyList<EpochResult> epochs)
        => stop == StopReason.Completed && epochs.Count >= 2 && bestEpoch == epochs[^1].Epoch;

    public static string Text(int epochs) => string.Format(CultureInfo.InvariantCulture,
        "Hint: the metric was still improving at the last epoch; more epochs would likely help (e.g. Epochs = {0}, with Patience so that the run stops once it levels off).",
        Math.Max(epochs * 2, epochs + 5));
}

/// <summary>Progress of a running fine-tune, reported after every optimizer step and every evaluation.</summary>
/// <remarks><see cref="Step"/> counts optimizer steps; with gradient accumulation one step spans several batches and
/// <see cref="Loss"/> is the mean over the step's examples. A skipped (non-finite) step reports the non-finite value.</remarks>
public sealed record FineTuneProgress(int Epoch, int Epochs, long Step, long TotalSteps, double Loss, double LearningRate, double? Metric, FineTunePhase Phase)
{
    /// <summary>Optimizer steps skipped so far for a non-finite loss or gradient norm.</summary>
    public long NonFiniteSteps { get; init; }
}

/// <summary>Which part of an epoch a <see cref="FineTuneProgress"/> describes.</summary>
public enum FineTunePhase
{
    Training = 0,
    Evaluated = 1,
}
