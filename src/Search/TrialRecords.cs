using System;
using System.Collections.Generic;

namespace Attune.Search;

/// <summary>A trial's life: Running, then exactly one of Complete, Pruned or Failed.</summary>
public enum TrialState
{
    Running = 0,
    Complete = 1,
    Pruned = 2,
    Failed = 3,
}

/// <summary>Why a Failed trial failed: stored beside its error text (in the trials' <c>failure</c> column), so that
/// what the sweep does next never depends on the wording of a message.</summary>
public enum TrialFailure
{
    /// <summary>The objective threw, or returned a value that is not finite. Counts toward
    /// <see cref="SweepOptions.MaxFailedTrials"/>.</summary>
    Error = 1,
    /// <summary>The sweep was cancelled or timed out while the trial ran, or before a trial created ahead began. Does
    /// not count toward <see cref="SweepOptions.MaxFailedTrials"/>; not retried.</summary>
    Cancelled = 2,
    /// <summary>The trial ran longer than <see cref="SweepOptions.TrialTimeout"/>. Counts toward
    /// <see cref="SweepOptions.MaxFailedTrials"/>; not retried.</summary>
    Timeout = 3,
    /// <summary>Its worker stopped (a crash, kill -9, a lost machine) before it could store the trial. Run again once
    /// with <see cref="SweepOptions.RetryAbandoned"/>.</summary>
    Abandoned = 4,
}

/// <summary>
/// What samplers and pruners see of a trial (this worker's or another's): its internal values, its state, its final
/// value (Complete; the last intermediate value for Pruned) and its intermediate values by step.
/// </summary>
public sealed record FrozenTrial(
    int Number,
    TrialState State,
    IReadOnlyList<double> Values,
    double? Value,
    IReadOnlyDictionary<int, double> Intermediate,
    DateTimeOffset Started,
    DateTimeOffset? Finished,
    string? Error = null)
{
    /// <summary>Why it failed (Failed trials only).</summary>
    public TrialFailure? Failure { get; init; }

    /// <summary>The number of the abandoned trial this one runs again (<see cref="SweepOptions.RetryAbandoned"/>), or null.</summary>
    public int? RetryOf { get; init; }

    /// <summary>Every objective's value, in the score type's order (the first is <see cref="Value"/>), when the sweep's
    /// objective returns an <c>[ObjectiveScore]</c> type; null for a plain number.</summary>
    public IReadOnlyList<double>? Objectives { get; init; }

    /// <summary>The constraints' values (feasible when all are ≤ 0), when the score type has any; else null.</summary>
    public IReadOnlyList<double>? Constraints { get; init; }
}

/// <summary>A finished or running trial with typed parameters, as a sweep's result lists it.</summary>
public sealed record TrialResult<T>(int Number, T Parameters, TrialState State, double? Value, IReadOnlyDictionary<int, double> Intermediate, string? Error, TimeSpan? Duration)
{
    /// <summary>Why it failed (Failed trials only).</summary>
    public TrialFailure? Failure { get; init; }

    /// <summary>The number of the abandoned trial this one runs again, or null.</summary>
    public int? RetryOf { get; init; }

    /// <summary>Every objective's value, in the score type's order (the first is <see cref="Value"/>), when the sweep's
    /// objective returns an <c>[ObjectiveScore]</c> type; null for a plain number.</summary>
    public IReadOnlyList<double>? Objectives { get; init; }

    /// <summary>The constraints' values (feasible when all are ≤ 0), when the score type has any; else null.</summary>
    public IReadOnlyList<double>? Constraints { get; init; }

    /// <summary>One line a person reads: "trial 7: Complete, value 0.9312 after 1.3 s, DigitSweep { … }" (a failure
    /// adds its error; the intermediate values are counted, not listed).</summary>
    public override string ToString() => TrialText.Describe(Number, State, Value, Duration, Intermediate.Count, Parameters, Error);
}

/// <summary>
/// A trial that completed, as <see cref="SweepResult{T}.Best"/> returns it: its value is a number, so no
/// <c>Value!.Value</c> is needed.
/// </summary>
public sealed record CompletedTrial<T>(int Number, T Parameters, double Value, IReadOnlyDictionary<int, double> Intermediate, TimeSpan? Duration)
{
    /// <summary>One line a person reads: "trial 7: value 0.9312 after 1.3 s, DigitSweep { … }".</summary>
    public override string ToString() => TrialText.Describe(Number, TrialState.Complete, Value, Duration, Intermediate.Count, Parameters, error: null);
}

/// <summary>The one-line form of a trial that <see cref="TrialResult{T}"/> and <see cref="CompletedTrial{T}"/> print.</summary>
internal static class TrialText
{
    public static string Describe<T>(int number, TrialState state, double? value, TimeSpan? duration, int intermediate, T parameters, string? error)
    {
        var text = new System.Text.StringBuilder();
        text.Append(System.Globalization.CultureInfo.InvariantCulture, $"trial {number}: {state}");
        if (value is { } v) text.Append(System.Globalization.CultureInfo.InvariantCulture, $", value {v:G6}");
        if (duration is { } d) text.Append(System.Globalization.CultureInfo.InvariantCulture, $" after {d.TotalSeconds:0.0##} s");
        if (intermediate > 0) text.Append(System.Globalization.CultureInfo.InvariantCulture, $", {intermediate} intermediate value{(intermediate == 1 ? "" : "s")}");
        text.Append(", ").Append(parameters);
        if (error is not null) text.Append(" (").Append(error).Append(')');
        return text.ToString();
    }
}

/// <summary>Progress of a sweep, reported after each trial ends.</summary>
public sealed record SweepProgress(int CompletedTrials, int TargetTrials, int LastTrialNumber, TrialState LastState, double? LastValue, double? BestValue, int? BestTrialNumber);
