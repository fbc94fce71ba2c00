using System;

namespace Attune.FineTuning;

/// <summary>Reports to the caller's <see cref="IProgress{T}"/> after every optimizer step and every evaluation.</summary>
internal sealed class ProgressCallback(IProgress<FineTuneProgress> progress) : FineTuneCallback
{
    public override void OnStepEnd(TrainerState state, FineTuneControl control)
        => progress.Report(new FineTuneProgress(state.Epoch, state.Epochs, state.GlobalStep, state.TotalSteps, state.StepLoss,
            state.LearningRate, null, FineTunePhase.Training) { NonFiniteSteps = state.NonFiniteSteps });

    public override void OnEpochEnd(TrainerState state, FineTuneControl control)
    {
        var result = state.History[^1];
        progress.Report(new FineTuneProgress(state.Epoch, state.Epochs, state.GlobalStep, state.TotalSteps, result.ValidationLoss,
            result.LearningRate, result.Metric, FineTunePhase.Evaluated));
    }
}
