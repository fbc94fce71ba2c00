using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace Attune.Search;

/// <summary>One trial of a sweep whose objective returns a score type: typed parameters and, once Complete, the typed
/// score it returned (the type's default otherwise) and whether its constraints held.</summary>
public sealed record ScoredTrial<T, TScore>(int Number, T Parameters, TrialState State, TScore? Score, bool Feasible,
    IReadOnlyDictionary<int, double> Intermediate, string? Error, TimeSpan? Duration)
{
    /// <summary>Why it failed (Failed trials only).</summary>
    public TrialFailure? Failure { get; init; }

    /// <summary>The objectives' values in schema order (Complete trials only).</summary>
    public IReadOnlyList<double>? Objectives { get; init; }

    /// <summary>The constraints' values in schema order (Complete trials of a score type with constraints).</summary>
    public IReadOnlyList<double>? Constraints { get; init; }

    /// <summary>One line a person reads: "trial 7: Complete, Score { … }, DigitSweep { … }" (infeasible ones say so).</summary>
    public override string ToString()
        => $"trial {Number.ToString(CultureInfo.InvariantCulture)}: {State}"
           + (State == TrialState.Complete ? $", {Score}{(Feasible ? "" : " (infeasible)")}" : "")
           + (Duration is { } d ? string.Create(CultureInfo.InvariantCulture, $" after {d.TotalSeconds:0.0##} s") : "")
           + $", {Parameters}" + (Error is null ? "" : $" ({Error})");
}

/// <summary>
/// What a sweep with a score type did: every trial of the study (earlier runs included) with typed parameters and
/// scores, and the Pareto front: the Complete, feasible trials that no other such trial dominates (trials with equal
/// scores are all on it), by number.
/// </summary>
public sealed class SweepResult<T, TScore> where TScore : IObjectiveScore<TScore>
{
    public SweepResult(string studyName, IReadOnlyList<ScoredTrial<T, TScore>> trials, bool cancelled, bool timedOut)
    {
        StudyName = studyName;
        Trials = trials;
        Cancelled = cancelled;
        TimedOut = timedOut;
        ParetoFront = Front(trials);
    }

    public string StudyName { get; }

    /// <summary>The score type's objectives and constraints.</summary>
    public ObjectiveSchema Schema => TScore.ObjectiveSchema;

    public IReadOnlyList<ScoredTrial<T, TScore>> Trials { get; }
    public bool Cancelled { get; }
    public bool TimedOut { get; }

    /// <summary>The non-dominated feasible Complete trials, by number; empty when none completed feasibly.</summary>
    public IReadOnlyList<ScoredTrial<T, TScore>> ParetoFront { get; }

    private static List<ScoredTrial<T, TScore>> Front(IReadOnlyList<ScoredTrial<T, TScore>> trials)
    {
        var directions = TScore.ObjectiveSchema.Directions;
        var candidates = trials.Where(t => t is { State: TrialState.Complete, Feasible: true, Objectives: not null }).ToList();
        return candidates
            .Where(t => !candidates.Any(o => !ReferenceEquals(o, t) && ParetoRanking.Dominates(o.Objectives!, t.Objectives!, directions)))
            .OrderBy(t => t.Number)
            .ToList();
    }

    /// <summary>One paragraph a person reads: the study, its trials by state, and the front.</summary>
    public override string ToString()
    {
        var states = string.Join(", ", Trials.GroupBy(t => t.State).OrderBy(g => g.Key).Select(g => $"{g.Count()} {g.Key.ToString().ToLowerInvariant()}"));
        int infeasible = Trials.Count(t => t.State == TrialState.Complete && !t.Feasible);
        return $"study '{StudyName}' ({Schema}): {Trials.Count} trials ({(states.Length == 0 ? "none" : states)}" +
               $"{(infeasible > 0 ? $"; {infeasible} infeasible" : "")}){(Cancelled ? ", cancelled" : "")}{(TimedOut ? ", timed out" : "")}; " +
               (ParetoFront.Count == 0 ? "no feasible completed trial" : $"Pareto front of {ParetoFront.Count}:" + string.Concat(ParetoFront.Select(t => "\n  " + t)));
    }
}
