using System.Collections.Generic;

namespace Attune.FineTuning;

/// <summary>
/// The fine-tuning loop's one state: the loop updates it, <c>resume.bin</c> saves and restores it, and every
/// <see cref="FineTuneCallback"/> (the built-in ones and yours) reads it. Read-only to callbacks; ask the loop for
/// changes through <see cref="FineTuneControl"/>.
/// </summary>
/// <remarks>Steps are optimizer steps (with gradient accumulation one step spans several batches); epochs count from 1.
/// Hugging Face's <c>TrainerState</c> plays the same part.</remarks>
public sealed class TrainerState
{
    // Lists, not arrays: the loop appends in place, callbacks see them through read-only views with no copy per call.
    private readonly List<EpochResult> _history = new();
    private readonly List<FieldUnfrozen> _unfrozen = new();

    internal TrainerState(string modelName, int epochs, long totalSteps)
    {
        ModelName = modelName;
        Epochs = epochs;
        TotalSteps = totalSteps;
    }

    /// <summary>The model being fine-tuned, as the report and the log name it.</summary>
    public string ModelName { get; }
    /// <summary>The epochs the run is planned for (<see cref="FineTuneOptions.Epochs"/>).</summary>
    public int Epochs { get; }
    /// <summary>Optimizer steps the run is planned for (the schedule's length).</summary>
    public long TotalSteps { get; }

    /// <summary>The epoch being trained (from 1); after it, the epoch just evaluated. 0 before the first.</summary>
    public int Epoch { get; internal set; }
    /// <summary>Epochs trained and evaluated so far, those before a resume included.</summary>
    public int CompletedEpochs => _history.Count;
    /// <summary>Optimizer steps so far (skipped non-finite steps included), across epochs.</summary>
    public long GlobalStep { get; internal set; }
    /// <summary>Optimizer steps so far in the current epoch.</summary>
    public long StepInEpoch { get; internal set; }
    /// <summary>The last step's loss: the mean over its examples, or the non-finite value of a skipped step.</summary>
    public double StepLoss { get; internal set; } = double.NaN;
    /// <summary>Whether the last step was skipped for a non-finite loss or gradient norm (no update was applied).</summary>
    public bool StepSkipped { get; internal set; }
    /// <summary>The default parameter group's learning rate in the last step.</summary>
    public double LearningRate { get; internal set; }

    /// <summary>The best validation metric so far (NaN before the first evaluation).</summary>
    public double BestMetric { get; internal set; } = double.NaN;
    /// <summary>The epoch of <see cref="BestMetric"/>; 0 before the first evaluation. Equal to <see cref="Epoch"/> in
    /// <see cref="FineTuneCallback.OnEpochEnd"/> when that epoch improved on the best.</summary>
    public int BestEpoch { get; internal set; }
    /// <summary>Evaluations in a row that did not improve on the best (by more than <see cref="FineTuneOptions.MinDelta"/>).</summary>
    public int EpochsWithoutImprovement { get; internal set; }

    /// <summary>Optimizer steps skipped so far because their loss or gradient norm was NaN or infinite.</summary>
    public long NonFiniteSteps { get; internal set; }
    /// <summary>Skipped steps in a row up to now; <see cref="FineTuneOptions.MaxNonFiniteSteps"/> of them stop the run.</summary>
    public int NonFiniteInARow { get; internal set; }

    /// <summary>Every evaluated epoch's figures, in order.</summary>
    public IReadOnlyList<EpochResult> History => _history;
    /// <summary>Fields that unfroze so far (<c>[Freeze(UnfreezeAtEpoch = n)]</c>), in order.</summary>
    public IReadOnlyList<FieldUnfrozen> Unfrozen => _unfrozen;

    /// <summary>Why the run ended; null while it goes on. Set after the epoch's callbacks, so it is what
    /// <c>resume.bin</c> records and what the report says.</summary>
    public StopReason? StopReason { get; internal set; }
    /// <summary>What stopped the run, in words (a callback's own reason for <see cref="StopReason.StoppedByCallback"/>).</summary>
    public string? StopMessage { get; internal set; }
    /// <summary>The last finished epoch of the checkpoint this run resumed; 0 for a fresh run.</summary>
    public int ResumedFromEpoch { get; internal set; }

    internal List<EpochResult> HistoryList => _history;
    internal List<FieldUnfrozen> UnfrozenList => _unfrozen;
}
