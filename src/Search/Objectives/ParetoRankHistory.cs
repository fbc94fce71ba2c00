using System;
using System.Collections.Generic;
using System.Linq;

namespace Attune.Search;

/// <summary>
/// How a single-objective sampler (TPE, and any <see cref="ISampler"/> that is not an
/// <see cref="IMultiObjectiveSampler"/>) serves a score with several objectives or constraints: each Complete trial's
/// value is replaced by a key that orders trials as NSGA-II's survival does — feasible before infeasible, then by
/// non-dominated front, then by crowding distance (the spread-out first) — and the sampler minimises that key. TPE's
/// good set is then the best fronts: a simple multi-objective TPE (MOTPE's split, without its hypervolume weights).
/// With one objective and constraints the value is kept and only infeasible trials are moved behind every feasible
/// one, in the study's direction, so pruned trials' intermediate values still compare as before.
/// </summary>
public static class ParetoRankHistory
{
    /// <summary>The history a single-objective sampler is given, and the direction to give it.</summary>
    public static (IReadOnlyList<FrozenTrial> History, Direction Direction) ForSingleObjectiveSampler(IReadOnlyList<FrozenTrial> history, IReadOnlyList<Direction> directions)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(directions);
        var scored = new List<int>();
        for (int i = 0; i < history.Count; i++)
            if (history[i].State == TrialState.Complete && ObjectivesOf(history[i], directions.Count) is not null) scored.Add(i);
        var keys = directions.Count == 1 ? SingleObjectiveKeys(history, scored, directions[0]) : RankKeys(history, scored, directions);
        var rewritten = history.ToArray();
        for (int k = 0; k < scored.Count; k++) rewritten[scored[k]] = history[scored[k]] with { Value = keys[k] };
        return (rewritten, directions.Count == 1 ? directions[0] : Direction.Minimize);
    }

    /// <summary>A trial's objectives: <see cref="FrozenTrial.Objectives"/>, or its value for a one-objective trial
    /// stored without them; null when it has not the expected number.</summary>
    internal static IReadOnlyList<double>? ObjectivesOf(FrozenTrial trial, int count)
    {
        if (trial.Objectives is { } o) return o.Count == count ? o : null;
        return count == 1 && trial.Value is { } v ? new[] { v } : null;
    }

    private static double[] SingleObjectiveKeys(IReadOnlyList<FrozenTrial> history, List<int> scored, Direction direction)
    {
        var keys = new double[scored.Count];
        double worst = double.NaN;
        foreach (int i in scored)
            if (ParetoRanking.IsFeasible(history[i].Constraints) && history[i].Value is { } v)
                worst = double.IsNaN(worst) ? v : direction == Direction.Maximize ? Math.Min(worst, v) : Math.Max(worst, v);
        if (double.IsNaN(worst)) worst = 0;
        for (int k = 0; k < scored.Count; k++)
        {
            var t = history[scored[k]];
            double violation = ParetoRanking.Violation(t.Constraints);
            // Behind the worst feasible value, further behind the more the constraints are violated.
            keys[k] = violation == 0 ? t.Value!.Value : direction == Direction.Maximize ? worst - 1 - violation : worst + 1 + violation;
        }
        return keys;
    }

    private static double[] RankKeys(IReadOnlyList<FrozenTrial> history, List<int> scored, IReadOnlyList<Direction> directions)
    {
        var objectives = scored.Select(i => ObjectivesOf(history[i], directions.Count)!).ToList();
        var constraints = scored.Select(i => history[i].Constraints).ToList();
        var ranks = ParetoRanking.Ranks(objectives, constraints, directions);
        var keys = new double[scored.Count];
        foreach (var front in Enumerable.Range(0, scored.Count).GroupBy(k => ranks[k]))
        {
            var members = front.ToList();
            var crowding = ParetoRanking.CrowdingDistances(objectives, members);
            // Within a front, the most isolated first: keys rank, rank + 0.5/n, … (below the next front's).
            var order = Enumerable.Range(0, members.Count).OrderByDescending(m => crowding[m]).ThenBy(m => history[scored[members[m]]].Number).ToList();
            for (int position = 0; position < order.Count; position++)
                keys[members[order[position]]] = front.Key + 0.5 * position / members.Count;
        }
        return keys;
    }
}
