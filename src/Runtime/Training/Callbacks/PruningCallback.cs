using System.Globalization;

namespace Attune;

/// <summary>Hands each epoch's figures to the sweep's trial (<see cref="IEpochObserver"/>), which reports them to the
/// pruner; a prune decision stops the run as <see cref="StopReason.Pruned"/>.</summary>
internal sealed class PruningCallback(IEpochObserver observer) : FineTuneCallback
{
    public override void OnEpochEnd(TrainerState state, FineTuneControl control)
    {
        var result = state.History[^1];
        if (observer.OnEpoch(result))
            control.Stop(StopReason.Pruned, string.Format(CultureInfo.InvariantCulture,
                "the sweep's pruner stopped the trial after epoch {0} (metric {1:G5})", result.Epoch, result.Metric));
    }
}
