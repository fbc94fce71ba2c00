using Microsoft.Extensions.Logging;

namespace Attune.FineTuning;

/// <summary>The log's epoch line and its closing line. Step-level lines (a skipped non-finite step, divergence) are
/// the loop's own, written where it decides them.</summary>
internal sealed class LoggingCallback(ILogger logger) : FineTuneCallback
{
    public override void OnEpochEnd(TrainerState state, FineTuneControl control) => FineTuneLog.Epoch(logger, state.History[^1]);

    public override void OnTrainEnd(TrainerState state)
    {
        var stop = state.StopReason ?? StopReason.Completed;
        // A callback's own words belong in the line; the built-in reasons say enough by their name.
        string what = stop == StopReason.StoppedByCallback ? $"{stop}: {state.StopMessage}" : stop.ToString();
        FineTuneLog.Stopped(logger, what, state.BestEpoch, state.BestMetric);
        if (ImprovementHint.StillImproving(stop, state.BestEpoch, state.History))
            FineTuneLog.StillImproving(logger, ImprovementHint.Text(state.History.Count));
    }
}
