using System;
using System.Collections.Generic;

namespace Attune;

/// <summary>A trial's life: Running, then exactly one of Complete, Pruned or Failed.</summary>
public enum TrialState
{
    Running = 0,
    Complete = 1,
    Pruned = 2,
    Failed = 3,
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
    string? Error = null);

/// <summary>A finished or running trial with typed parameters, as a sweep's result lists it.</summary>
public sealed record TrialResult<T>(int Number, T Parameters, TrialState State, double? Value, IReadOnlyDictionary<int, double> Intermediate, string? Error, TimeSpan? Duration);

/// <summary>Progress of a sweep, reported after each trial ends.</summary>
public sealed record SweepProgress(int CompletedTrials, int TargetTrials, int LastTrialNumber, TrialState LastState, double? LastValue, double? BestValue, int? BestTrialNumber);
