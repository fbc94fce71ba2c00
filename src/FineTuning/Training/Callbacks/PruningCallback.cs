using System.Globalization;
using Attune.Search;

namespace Attune.FineTuning;

/// <summary>Hands each epoch's figures to the sweep's trial (<see cref="ITrial"/>), which reports the metric to the
/// pruner; a prune decision stops the run as <see cref="StopReason.Pruned"/>.</summary>
internal sealed class PruningCallback(ITrial trial) : FineTuneCallback
{
    public override void OnEpochEnd(TrainerState state, FineTuneControl control)
    {
        var result = state.History[^1];
        trial.Report(result.Epoch, result.Metric);
        if (trial.ShouldPrune)
            control.Stop(StopReason.Pruned, string.Format(CultureInfo.InvariantCulture,
                "the sweep's pruner stopped the trial after epoch {0} (metric {1:G5})", result.Epoch, result.Metric));
    }
}
