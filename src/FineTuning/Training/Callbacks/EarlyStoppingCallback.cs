using System.Globalization;

namespace Attune.FineTuning;

/// <summary>Stops the run after <see cref="FineTuneOptions.Patience"/> evaluations in a row without improvement (never
/// after the last epoch, which ends the run anyway, and not when something already stopped it).</summary>
internal sealed class EarlyStoppingCallback(int patience) : FineTuneCallback
{
    public override void OnEpochEnd(TrainerState state, FineTuneControl control)
    {
        if (control.ShouldStop || state.EpochsWithoutImprovement < patience || state.Epoch >= state.Epochs) return;
        control.Stop(StopReason.EarlyStopped, string.Format(CultureInfo.InvariantCulture,
            "no improvement in {0} epoch(s) (Patience = {1}); the best was epoch {2}", state.EpochsWithoutImprovement, patience, state.BestEpoch));
    }
}
