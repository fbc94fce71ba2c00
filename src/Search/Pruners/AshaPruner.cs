using System;
using System.Collections.Generic;

namespace Attune.Search;

/// <summary>
/// Asynchronous successive halving (Li et al., "A System for Massively Parallel Hyperparameter Tuning", MLSys 2020) as a
/// pruner. Rungs sit at steps <c>minResource · η^(k + s)</c> for k = 0, 1, …; a trial that reports at a rung step continues
/// only if its value is in the top 1/η of all values recorded at that rung so far (every worker's trials, whatever their
/// state now, NaN values ignored). At other steps it always continues.
/// <para>Asynchronous: a decision never waits for a rung to fill, so workers never idle. While a rung holds fewer than
/// η values (this trial's included) the trial is promoted: "top 1/η" of fewer than η values is empty, and stopping the
/// first arrivals would kill every trial of a young study for lack of company. The price, as in the paper, is that a few
/// early trials get further than they deserve; later ones face a full rung.</para>
/// </summary>
public sealed class AshaPruner : IPruner
{
    /// <param name="minResource">Step of the first rung (r); with 0-based epochs, 1 means "after the second epoch".</param>
    /// <param name="reductionFactor">η: the top 1/η of each rung go on.</param>
    /// <param name="minEarlyStoppingRate">s: skips the first s rungs, so the first decision comes at r·η^s.</param>
    public AshaPruner(int minResource = 1, int reductionFactor = 3, int minEarlyStoppingRate = 0)
    {
        if (minResource < 1) throw new ArgumentOutOfRangeException(nameof(minResource), minResource, "Expected at least 1.");
        if (reductionFactor < 2) throw new ArgumentOutOfRangeException(nameof(reductionFactor), reductionFactor, "Expected at least 2.");
        if (minEarlyStoppingRate < 0) throw new ArgumentOutOfRangeException(nameof(minEarlyStoppingRate), minEarlyStoppingRate, "Expected at least 0.");
        MinResource = minResource;
        ReductionFactor = reductionFactor;
        MinEarlyStoppingRate = minEarlyStoppingRate;
    }

    public int MinResource { get; }
    public int ReductionFactor { get; }
    public int MinEarlyStoppingRate { get; }

    /// <summary>True when <paramref name="step"/> is a rung: minResource · η^(k + s) for some k ≥ 0.</summary>
    public bool IsRung(int step)
    {
        long rung = MinResource;
        for (int i = 0; i < MinEarlyStoppingRate && rung <= step; i++) rung *= ReductionFactor;
        while (rung < step) rung *= ReductionFactor;
        return rung == step;
    }

    public bool ShouldPrune(FrozenTrial trial, int step, IReadOnlyList<FrozenTrial> history, Direction direction)
    {
        ArgumentNullException.ThrowIfNull(trial);
        ArgumentNullException.ThrowIfNull(history);
        if (!IsRung(step) || !trial.Intermediate.TryGetValue(step, out double value)) return false;
        if (double.IsNaN(value)) return true;
        return !InTopFraction(trial, step, value, history, static _ => true, ReductionFactor, direction);
    }

    /// <summary>
    /// The rung rule, shared with <see cref="HyperbandPruner"/>'s brackets: whether <paramref name="value"/> is in the top
    /// 1/η of the values reported at <paramref name="step"/> by the trials of <paramref name="history"/> that
    /// <paramref name="rival"/> accepts (and by this trial). While the rung holds fewer than η values, it is.
    /// </summary>
    internal static bool InTopFraction(FrozenTrial trial, int step, double value, IReadOnlyList<FrozenTrial> history,
        Func<FrozenTrial, bool> rival, int reductionFactor, Direction direction)
    {
        var scores = new List<double> { SamplingMath.Score(value, direction) };
        foreach (var other in history)
        {
            if (other.Number == trial.Number || !rival(other)) continue;
            if (other.Intermediate.TryGetValue(step, out double v) && !double.IsNaN(v)) scores.Add(SamplingMath.Score(v, direction));
        }
        if (scores.Count < reductionFactor) return true;

        // The k-th best score of the rung is the bar; ties with it are promoted.
        int promoted = scores.Count / reductionFactor;
        double mine = scores[0];
        scores.Sort();
        return mine <= scores[promoted - 1];
    }
}
