using System;
using System.Collections.Generic;

namespace Attune.Search;

/// <summary>
/// Stops a trial whose best value so far is worse than the median of the other trials' best-so-far values at the same
/// step. "Best so far" on both sides makes the rule forgiving of a noisy epoch: a trial is only stopped when even its best
/// showing is below the typical trial's best showing at that point.
/// <para>Other trials are every trial of the study (every worker's) except Failed ones that reported a value at exactly
/// <c>step</c>: completed ones, pruned ones that got that far, and running ones (so parallel workers learn from each other
/// without waiting). A NaN value is always pruned: the run has diverged.</para>
/// </summary>
public sealed class MedianPruner : IPruner
{
    /// <param name="startupTrials">No pruning until this many trials completed (the median of a handful means little).</param>
    /// <param name="warmupSteps">No pruning at steps below this (early epochs are noisy and rank trials poorly).</param>
    /// <param name="intervalSteps">Decide only every this many steps after the warm-up.</param>
    public MedianPruner(int startupTrials = 5, int warmupSteps = 0, int intervalSteps = 1)
    {
        if (startupTrials < 0) throw new ArgumentOutOfRangeException(nameof(startupTrials), startupTrials, "Expected at least 0.");
        if (warmupSteps < 0) throw new ArgumentOutOfRangeException(nameof(warmupSteps), warmupSteps, "Expected at least 0.");
        if (intervalSteps < 1) throw new ArgumentOutOfRangeException(nameof(intervalSteps), intervalSteps, "Expected at least 1.");
        StartupTrials = startupTrials;
        WarmupSteps = warmupSteps;
        IntervalSteps = intervalSteps;
    }

    public int StartupTrials { get; }
    public int WarmupSteps { get; }
    public int IntervalSteps { get; }

    public bool ShouldPrune(FrozenTrial trial, int step, IReadOnlyList<FrozenTrial> history, Direction direction)
    {
        ArgumentNullException.ThrowIfNull(trial);
        ArgumentNullException.ThrowIfNull(history);
        if (step < WarmupSteps || (step - WarmupSteps) % IntervalSteps != 0) return false;
        if (!trial.Intermediate.TryGetValue(step, out double current)) return false;
        if (double.IsNaN(current)) return true;

        int completed = 0;
        foreach (var other in history)
            if (other.State == TrialState.Complete && other.Number != trial.Number) completed++;
        if (completed < StartupTrials) return false;

        var others = new List<double>();
        foreach (var other in history)
        {
            if (other.Number == trial.Number || other.State == TrialState.Failed) continue;
            if (!other.Intermediate.TryGetValue(step, out double atStep) || double.IsNaN(atStep)) continue;
            others.Add(BestSoFar(other.Intermediate, step, direction));
        }
        if (others.Count == 0) return false;

        others.Sort();
        int m = others.Count / 2;
        double median = others.Count % 2 == 1 ? others[m] : 0.5 * (others[m - 1] + others[m]);
        double best = BestSoFar(trial.Intermediate, step, direction);
        return SamplingMath.Score(best, direction) > SamplingMath.Score(median, direction);
    }

    /// <summary>The best value reported at steps up to <paramref name="step"/> (NaN values ignored).</summary>
    internal static double BestSoFar(IReadOnlyDictionary<int, double> intermediate, int step, Direction direction)
    {
        double best = double.NaN, bestScore = double.PositiveInfinity;
        foreach (var (s, v) in intermediate)
        {
            if (s > step || double.IsNaN(v)) continue;
            double score = SamplingMath.Score(v, direction);
            if (score < bestScore) { bestScore = score; best = v; }
        }
        return best;
    }
}
