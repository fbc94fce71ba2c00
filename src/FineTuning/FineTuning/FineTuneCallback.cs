namespace Attune.FineTuning;

/// <summary>
/// A hook into the fine-tuning loop, in the manner of Hugging Face's <c>TrainerCallback</c>: override the events you
/// need (each does nothing by default) and pass the callback in <see cref="FineTuneOptions.Callbacks"/>. Every event
/// gets the loop's one <see cref="TrainerState"/>; all but <see cref="OnTrainEnd"/> also get a
/// <see cref="FineTuneControl"/> to stop the run. Events come on the training thread, in this order per run:
/// <c>OnTrainBegin</c>, then per epoch <c>OnEpochBegin</c>, <c>OnStepEnd</c> after each optimizer step (skipped
/// non-finite steps included), <c>OnEpochEnd</c> after validation, and <c>OnTrainEnd</c> once the model holds the best
/// weights again. The built-in behaviour (checkpoints, logging, TensorBoard, progress, sweep pruning, early stopping)
/// are callbacks too and run before yours, so your <c>OnEpochEnd</c> sees whether they asked to stop.
/// </summary>
/// <remarks>
/// <see cref="OnStepEnd"/> runs inside the step's dispose scope, between two optimizer steps: keep it cheap, and copy
/// (<c>detach().clone()</c> and <c>DetachFromDisposeScope()</c>) any tensor you keep. An exception thrown by a callback
/// ends the run with that exception, like one thrown by the model. <c>OnTrainEnd</c> is not called when the run ends
/// with an exception (divergence, a data fault, a failed checkpoint write).
/// </remarks>
public abstract class FineTuneCallback
{
    /// <summary>Before the first epoch (on a resumed run, with the restored state).</summary>
    public virtual void OnTrainBegin(TrainerState state, FineTuneControl control) { }

    /// <summary>Before an epoch's first step; <see cref="TrainerState.Epoch"/> is the epoch about to train.</summary>
    public virtual void OnEpochBegin(TrainerState state, FineTuneControl control) { }

    /// <summary>After each optimizer step. A stop asked for here ends the epoch now; it is still validated and
    /// checkpointed, and no further epoch trains.</summary>
    public virtual void OnStepEnd(TrainerState state, FineTuneControl control) { }

    /// <summary>After the epoch's validation; its figures are the last entry of <see cref="TrainerState.History"/>.
    /// A stop asked for here ends the run after this epoch (recorded in <c>resume.bin</c>).</summary>
    public virtual void OnEpochEnd(TrainerState state, FineTuneControl control) { }

    /// <summary>Once, when the run ends without an exception (completed, stopped, pruned or cancelled), after the best
    /// epoch's weights are back in the model.</summary>
    public virtual void OnTrainEnd(TrainerState state) { }
}

/// <summary>What callbacks may ask of the loop (Hugging Face's <c>TrainerControl</c>). One per run.</summary>
public sealed class FineTuneControl
{
    internal StopReason? Reason { get; private set; }
    internal string? Message { get; private set; }

    /// <summary>True once a callback (built-in or yours) asked to stop.</summary>
    public bool ShouldStop => Reason is not null;

    /// <summary>Stops the run: the report's <see cref="FineTuneReport.StopReason"/> is
    /// <see cref="StopReason.StoppedByCallback"/> and its <see cref="FineTuneReport.StopMessage"/> is
    /// <paramref name="reason"/>. The first stop asked for wins.</summary>
    public void StopTraining(string reason) => Stop(StopReason.StoppedByCallback, reason);

    internal void Stop(StopReason reason, string message)
    {
        if (Reason is not null) return;
        Reason = reason;
        Message = message;
    }
}
