using System;
using System.Collections.Generic;
using System.Linq;

namespace Attune.Search;

/// <summary>
/// A configuration enqueued to run before anything is sampled (<see cref="Studies.Enqueue{T}(T, SweepOptions?)"/>), as
/// the study stores it: its place in the queue, its internal values, when it was enqueued and, once a worker claimed it,
/// the number of the trial that runs it (claimed in the same transaction that creates that trial, so it runs once).
/// </summary>
public sealed record QueuedTrial(long Id, IReadOnlyList<double> Values, DateTimeOffset Enqueued, int? TrialNumber);

/// <summary>
/// A recorded change of a study's search space (<see cref="Studies.MigrateSpace{T}(IStudyStorage, string, SpaceChange)"/>
/// or <see cref="SweepOptions.SpaceChange"/>): when, the space before and after (their text, one parameter a line, and
/// fingerprints) and what changed, one line per parameter.
/// </summary>
public sealed record SpaceMigration(DateTimeOffset When, string OldSpaceText, string NewSpaceText, string OldFingerprint, string NewFingerprint, IReadOnlyList<string> Changes)
{
    /// <summary>One line a person reads: "2026-12-03 14:20:41Z: 1d2c… → 9a8b…: lr: widened from … to …; …".</summary>
    public override string ToString()
        => $"{When.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z: space {OldFingerprint} -> {NewFingerprint}: {string.Join("; ", Changes)}";
}

/// <summary>A trial of another study to copy into this one (<see cref="IStudyStorage.CopyTrials"/>): its values already in
/// this study's space, its end state, value, intermediate values and times, and where it came from.</summary>
public sealed record CopiedTrial(IReadOnlyList<double> Values, TrialState State, double? Value, IReadOnlyDictionary<int, double> Intermediate,
    DateTimeOffset Started, DateTimeOffset? Finished, string? Error, TrialFailure? Failure, string CopiedFrom)
{
    /// <summary>The source trial's objectives (a sweep with an <c>[ObjectiveScore]</c>), copied so that a warm-started
    /// multi-objective study's samplers see them; null for a plain objective.</summary>
    public IReadOnlyList<double>? Objectives { get; init; }

    /// <summary>The source trial's constraint values, or null.</summary>
    public IReadOnlyList<double>? Constraints { get; init; }
}

/// <summary>
/// What a warm start did (<see cref="SweepOptions.WarmStartFrom"/>, <see cref="Studies.CopyTrials{T}(IStudyStorage, string, IStudyStorage, string, Direction?, SpaceChange?)"/>):
/// how many trials were copied, and every trial that was not, with why.
/// </summary>
public sealed record WarmStartReport(string Source, int Copied, bool AlreadyCopied, IReadOnlyList<(int Number, string Reason)> NotCopied)
{
    /// <summary>"12 trials copied from study 'a' in SQLite file '…'; 3 not copied (2 X outside its range, 1 still running)".</summary>
    public override string ToString()
    {
        if (AlreadyCopied) return $"the trials of {Source} were copied before (not copied again)";
        var text = $"{Copied} trial{(Copied == 1 ? "" : "s")} copied from {Source}";
        if (NotCopied.Count == 0) return text;
        var reasons = NotCopied.GroupBy(n => Kind(n.Reason)).Select(g => $"{g.Count()} {g.Key}");
        return $"{text}; {NotCopied.Count} not copied ({string.Join(", ", reasons)})";
    }

    /// <summary>A reason without the trial's own value, so the summary counts alike reasons together ("X outside its
    /// range", "with Bias, which this space does not have"); <see cref="NotCopied"/> keeps every reason whole.</summary>
    private static string Kind(string reason)
    {
        var outside = System.Text.RegularExpressions.Regex.Match(reason, @"^(\S+) is \S+, (outside its range|which is not on its grid)");
        if (outside.Success) return $"{outside.Groups[1].Value} {outside.Groups[2].Value.Replace("which is ", "", StringComparison.Ordinal)}";
        var ran = System.Text.RegularExpressions.Regex.Match(reason, @"^it ran with (\S+) = .*, (which .*)$");
        return ran.Success ? $"with {ran.Groups[1].Value} set, {ran.Groups[2].Value}" : reason;
    }
}
